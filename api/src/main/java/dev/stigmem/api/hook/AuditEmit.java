package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;
import dev.stigmem.api.core.AuditEvent;

/**
 * Hook {@code audit_emit} (fire and forget, strict, ordering {@code core_only_default}): the handler observes an audit event as it is recorded. Strict audit hook: a failure is surfaced to the hook site, not only logged.
 *
 * @see Hook#AUDIT_EMIT
 */
@FunctionalInterface
public non-sealed interface AuditEmit extends HookHandler {
    void auditEmit(PluginContext context, AuditEvent payload);
}
