package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code pre_recall_rewrite} (filter chain, ordering {@code plugins_first}): the handler transforms a recall request before it runs: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#PRE_RECALL_REWRITE
 */
@FunctionalInterface
public non-sealed interface PreRecallRewrite extends HookHandler {
    RecallRequest preRecallRewrite(PluginContext context, RecallRequest payload);
}
