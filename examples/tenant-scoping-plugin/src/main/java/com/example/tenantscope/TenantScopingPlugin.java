package com.example.tenantscope;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.PreRecallRewrite;
import dev.stigmem.api.hook.RecallFilter;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Multi-tenant scoping, modelled on the reference node's tenancy plugin: a principal asserts and
 * recalls only inside its own tenants.
 *
 * <p>A principal's tenants are listed, comma-separated, in the {@value #TENANTS_ATTRIBUTE}
 * attribute of its identity ({@code identity.read}); the first is its home tenant. A listed tenant
 * counts only while it exists and its {@value #STATUS_ATTRIBUTE} attribute is not
 * {@value #SUSPENDED} ({@code tenant.read}). That set is the principal's <em>scope</em>.
 *
 * <ul>
 *   <li>{@code pre_assert_authorize}: denies an assert into a tenant outside the scope, with a
 *       reason saying which check failed (unknown principal, not a member, no such tenant,
 *       suspended tenant).</li>
 *   <li>{@code pre_recall_rewrite}: a recall aimed outside the scope is redirected to the home
 *       tenant; a principal with an empty scope is left alone (the filter below empties its
 *       results).</li>
 *   <li>{@code recall_filter}: drops every hit whose fact lies outside the scope, whatever another
 *       plugin's rewrite did to the query.</li>
 * </ul>
 *
 * <p>Fail closed: without the identity or tenant handle the scope is empty, so asserts are denied
 * and recalls come back empty.
 *
 * <p>Packaged as a plain jar (no {@code module-info}), published through
 * {@code META-INF/services/dev.stigmem.api.Plugin}. Capabilities, exactly what the code calls:
 * {@code identity.read} and {@code tenant.read}.
 */
@StigmemPlugin(name = "tenant-scoping", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"identity.read", "tenant.read"})
public final class TenantScopingPlugin implements Plugin, PreAssertAuthorize, PreRecallRewrite, RecallFilter {

    /** Identity attribute listing the principal's tenants, comma-separated, home tenant first. */
    public static final String TENANTS_ATTRIBUTE = "tenants";

    /** Tenant attribute holding its status. */
    public static final String STATUS_ATTRIBUTE = "status";

    /** The status value of a suspended tenant. */
    public static final String SUSPENDED = "suspended";

    /** Denies an assert into a tenant outside the principal's scope. */
    @Override
    public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
        String principal = payload.principal();
        String tenant = payload.draft().tenant();
        Optional<IdentityReader> identities = context.getIdentityReader();
        Optional<TenantReader> tenants = context.getTenantReader();
        if (identities.isEmpty() || tenants.isEmpty()) {
            return Vote.deny("tenant scoping cannot resolve principal '" + principal
                    + "': the node does not provide identity.read and tenant.read");
        }
        Optional<Identity> identity = identities.get().lookup(principal);
        if (identity.isEmpty()) {
            return Vote.deny("principal '" + principal + "' has no identity on this node; tenant scoping admits known"
                    + " principals only");
        }
        if (!listedTenants(identity.get()).contains(tenant)) {
            return Vote.deny("principal '" + principal + "' is not a member of tenant '" + tenant + "'");
        }
        Optional<Tenant> target = tenants.get().tenant(tenant);
        if (target.isEmpty()) {
            return Vote.deny("tenant '" + tenant + "' does not exist");
        }
        if (isSuspended(target.get())) {
            return Vote.deny("tenant '" + tenant + "' is suspended");
        }
        return Vote.allow();
    }

    /** Redirects a recall aimed outside the principal's scope to its home tenant. */
    @Override
    public RecallRequest preRecallRewrite(PluginContext context, RecallRequest payload) {
        List<String> scope = scope(context, payload.principal());
        RecallQuery query = payload.query();
        if (scope.isEmpty() || scope.contains(query.tenant())) {
            return payload;
        }
        return payload.withQuery(new RecallQuery(scope.get(0), query.text(), query.limit()));
    }

    /** Drops hits outside the principal's scope. */
    @Override
    public RecallResults recallFilter(PluginContext context, RecallResults payload) {
        if (payload.hits().isEmpty()) {
            return payload;
        }
        List<String> scope = scope(context, payload.request().principal());
        List<RecallHit> kept = new ArrayList<>(payload.hits().size());
        for (RecallHit hit : payload.hits()) {
            if (scope.contains(hit.fact().tenant())) {
                kept.add(hit);
            }
        }
        return kept.size() == payload.hits().size() ? payload : payload.withHits(kept);
    }

    /** The tenants this principal may act in, home tenant first; empty when it may act nowhere. */
    private static List<String> scope(PluginContext context, String principal) {
        Optional<IdentityReader> identities = context.getIdentityReader();
        Optional<TenantReader> tenants = context.getTenantReader();
        if (identities.isEmpty() || tenants.isEmpty()) {
            return List.of();
        }
        Optional<Identity> identity = identities.get().lookup(principal);
        if (identity.isEmpty()) {
            return List.of();
        }
        List<String> scope = new ArrayList<>();
        for (String id : listedTenants(identity.get())) {
            Optional<Tenant> tenant = tenants.get().tenant(id);
            if (tenant.isPresent() && !isSuspended(tenant.get())) {
                scope.add(id);
            }
        }
        return List.copyOf(scope);
    }

    /** The identity's listed tenant ids, in order, without blanks or repeats. */
    private static Set<String> listedTenants(Identity identity) {
        Set<String> out = new LinkedHashSet<>();
        String listed = identity.attributes().getOrDefault(TENANTS_ATTRIBUTE, "");
        for (String id : listed.split(",")) {
            if (!id.isBlank()) {
                out.add(id.strip());
            }
        }
        return out;
    }

    private static boolean isSuspended(Tenant tenant) {
        return SUSPENDED.equals(tenant.attributes().get(STATUS_ATTRIBUTE));
    }
}
