package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;
import java.util.Map;

/**
 * Hook {@code recall_rank} (score delta, ordering {@code plugins_first}): the handler scores the hits of a recall: returns score deltas keyed by fact id, summed across handlers. {@code null} is an error.
 *
 * @see Hook#RECALL_RANK
 */
@FunctionalInterface
public non-sealed interface RecallRank extends HookHandler {
    Map<String, Double> recallRank(PluginContext context, RecallResults payload);
}
