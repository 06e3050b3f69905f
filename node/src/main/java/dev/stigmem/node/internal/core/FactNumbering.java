package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.AuditEvent;

import java.util.function.Consumer;

/**
 * Learns, from a persisted audit trail read back at start, the highest fact number earlier runs
 * gave out ({@code fact.asserted} events carry the id), so that the next run's {@link FactStore}
 * starts after it: facts live in memory only, but their ids are on the trail, and an id there must
 * name one fact. Not thread-safe: fed by the one thread that opens the trail.
 */
public final class FactNumbering implements Consumer<AuditEvent> {
    private long highest;

    @Override
    public void accept(AuditEvent event) {
        if ("fact.asserted".equals(event.action())) {
            FactStore.numberOf(event.attributes().get("fact")).ifPresent(n -> highest = Math.max(highest, n));
        }
    }

    /** The number the next fact gets: one past the highest seen, 1 on an empty trail. */
    public long next() {
        if (highest == Long.MAX_VALUE) {
            throw new IllegalStateException("the audit trail holds fact number " + highest + ": no number is left");
        }
        return highest + 1;
    }
}
