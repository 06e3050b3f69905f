package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code post_recall_audit} (fire and forget, strict, ordering {@code core_only_default}): the handler observes a completed recall for the audit trail. Strict audit hook: a failure is surfaced to the hook site, not only logged.
 *
 * @see Hook#POST_RECALL_AUDIT
 */
@FunctionalInterface
public non-sealed interface PostRecallAudit extends HookHandler {
    void postRecallAudit(PluginContext context, RecallResults payload);
}
