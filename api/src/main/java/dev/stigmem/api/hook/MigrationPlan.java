package dev.stigmem.api.hook;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Payload of {@code migration_register}: the schema migrations the node will run, in order.
 *
 * @param migrations the migrations (copied, unmodifiable)
 */
public record MigrationPlan(List<Migration> migrations) {

    /**
     * One migration.
     *
     * @param id          unique id, for example {@code tombstones-001}
     * @param description what it changes
     */
    public record Migration(String id, String description) {
        public Migration {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(description, "description");
        }
    }

    public MigrationPlan {
        migrations = List.copyOf(migrations);
    }

    /** This plan with one more migration at the end. */
    public MigrationPlan plus(Migration migration) {
        List<Migration> copy = new ArrayList<>(migrations);
        copy.add(migration);
        return new MigrationPlan(copy);
    }
}
