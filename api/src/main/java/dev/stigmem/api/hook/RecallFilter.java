package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code recall_filter} (filter chain, ordering {@code plugins_first}): the handler transforms the hits of a recall: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#RECALL_FILTER
 */
@FunctionalInterface
public non-sealed interface RecallFilter extends HookHandler {
    RecallResults recallFilter(PluginContext context, RecallResults payload);
}
