package dev.stigmem.node.internal.core;

import dev.stigmem.api.PluginContext;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.PostRecallAudit;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.internal.hook.HookRegistry;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.util.Map;

/**
 * The core's own hook handlers: the baselines the {@code core_only_default} audit hooks promise,
 * and the core's validation vote.
 */
public final class CoreHandlers {

    private CoreHandlers() {
    }

    /** Registers the core handlers of an embedded core. */
    public static void register(HookRegistry.Builder hooks, PluginContext coreContext, EmbeddedCore core) {
        hooks.core(Hook.PRE_ASSERT_VALIDATE, "core-tenant-exists", coreContext, (PreAssertValidate) (ctx, req) -> {
            // Until tenants are configured the node is single-tenant and accepts any tenant id.
            var tenants = core.directory().tenants();
            String tenant = req.draft().tenant();
            if (!tenants.isEmpty() && tenants.stream().noneMatch(t -> t.id().equals(tenant))) {
                return Vote.deny("unknown tenant '" + PluginText.bounded(tenant, PluginText.NAME_LIMIT) + "'");
            }
            if (req.draft().subject().isBlank() || req.draft().predicate().isBlank()) {
                return Vote.deny("subject and predicate must not be blank");
            }
            return Vote.allow();
        });
        // fact.asserted is the core's baseline of post_assert_audit, but it is recorded before the fact
        // is stored (EmbeddedCore.assertFact), so that no fact is visible without its durable event;
        // the hook then runs the plugins' own audit handlers.
        hooks.core(Hook.POST_RECALL_AUDIT, "core-audit", coreContext, (PostRecallAudit) (ctx, r) ->
                core.audit().record(r.request().principal(), "recall.performed",
                        Map.of("tenant", PluginText.bounded(r.request().query().tenant()), "hits", Integer.toString(r.hits().size()))));
    }
}
