package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code migration_register} (filter chain, ordering {@code core_only_default}): the handler transforms the node's plan of schema migrations: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#MIGRATION_REGISTER
 */
@FunctionalInterface
public non-sealed interface MigrationRegister extends HookHandler {
    MigrationPlan migrationRegister(PluginContext context, MigrationPlan payload);
}
