package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code pre_recall_authorize} (voting, ordering {@code core_first}): the handler votes on whether a principal may recall. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#PRE_RECALL_AUTHORIZE
 */
@FunctionalInterface
public non-sealed interface PreRecallAuthorize extends HookHandler {
    Vote preRecallAuthorize(PluginContext context, RecallRequest payload);
}
