package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code post_assert_audit} (fire and forget, strict, ordering {@code core_only_default}): the handler observes a persisted fact for the audit trail. Strict audit hook: a failure is surfaced to the hook site, not only logged.
 *
 * @see Hook#POST_ASSERT_AUDIT
 */
@FunctionalInterface
public non-sealed interface PostAssertAudit extends HookHandler {
    void postAssertAudit(PluginContext context, FactEvent payload);
}
