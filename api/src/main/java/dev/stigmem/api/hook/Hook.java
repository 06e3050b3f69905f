package dev.stigmem.api.hook;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The 22 hooks of the node, with the dispatch semantic, ordering policy, band and strictness of
 * each. This enum is the hook table; each constant names the one handler interface that handles
 * it, whose single method is the hook id in camel case ({@code pre_assert_authorize} is
 * {@link PreAssertAuthorize#preAssertAuthorize}).
 */
public enum Hook {
    PRE_ASSERT_AUTHORIZE(Semantic.VOTING, Ordering.CORE_FIRST, Band.ASSERT, false, PreAssertAuthorize.class),
    PRE_ASSERT_VALIDATE(Semantic.VOTING, Ordering.CORE_FIRST, Band.ASSERT, false, PreAssertValidate.class),
    PRE_ASSERT_TRANSFORM(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.ASSERT, false, PreAssertTransform.class),
    POST_ASSERT_PERSIST(Semantic.FIRE_AND_FORGET, Ordering.PLUGIN_ONLY, Band.ASSERT, false, PostAssertPersist.class),
    POST_ASSERT_PROPAGATE(Semantic.FIRE_AND_FORGET, Ordering.PLUGIN_ONLY, Band.ASSERT, false, PostAssertPropagate.class),
    POST_ASSERT_AUDIT(Semantic.FIRE_AND_FORGET, Ordering.CORE_ONLY_DEFAULT, Band.ASSERT, true, PostAssertAudit.class),
    PRE_RECALL_AUTHORIZE(Semantic.VOTING, Ordering.CORE_FIRST, Band.RECALL, false, PreRecallAuthorize.class),
    PRE_RECALL_REWRITE(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.RECALL, false, PreRecallRewrite.class),
    RECALL_FILTER(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.RECALL, false, RecallFilter.class),
    RECALL_RANK(Semantic.SCORE_DELTA, Ordering.PLUGINS_FIRST, Band.RECALL, false, RecallRank.class),
    POST_RECALL_AUDIT(Semantic.FIRE_AND_FORGET, Ordering.CORE_ONLY_DEFAULT, Band.RECALL, true, PostRecallAudit.class),
    FEDERATION_PEER_AUTHENTICATE(Semantic.VOTING, Ordering.CORE_FIRST, Band.FEDERATION, false, FederationPeerAuthenticate.class),
    FEDERATION_INBOUND_VALIDATE(Semantic.VOTING, Ordering.CORE_FIRST, Band.FEDERATION, false, FederationInboundValidate.class),
    FEDERATION_INBOUND_FILTER(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.FEDERATION, false, FederationInboundFilter.class),
    FEDERATION_OUTBOUND_FILTER(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.FEDERATION, false, FederationOutboundFilter.class),
    FEDERATION_OUTBOUND_SIGN(Semantic.FILTER_CHAIN, Ordering.PLUGINS_FIRST, Band.FEDERATION, false, FederationOutboundSign.class),
    IDENTITY_RESOLVE(Semantic.FILTER_CHAIN, Ordering.CORE_FIRST, Band.IDENTITY, false, IdentityResolve.class),
    TENANT_RESOLVE(Semantic.FILTER_CHAIN, Ordering.CORE_FIRST, Band.TENANT, false, TenantResolve.class),
    CAPABILITY_CHECK(Semantic.VOTING, Ordering.CORE_FIRST, Band.CAPABILITY, false, CapabilityCheck.class),
    MIGRATION_REGISTER(Semantic.FILTER_CHAIN, Ordering.CORE_ONLY_DEFAULT, Band.MIGRATION, false, MigrationRegister.class),
    AUDIT_EMIT(Semantic.FIRE_AND_FORGET, Ordering.CORE_ONLY_DEFAULT, Band.AUDIT, true, AuditEmit.class),
    CONFIG_VALIDATE(Semantic.VOTING, Ordering.CORE_FIRST, Band.CONFIG, false, ConfigValidate.class);

    /** How the handlers' results combine. */
    public enum Semantic {
        /** Each handler returns {@link Vote}; the first deny wins. */
        VOTING,
        /** Each handler transforms the value the previous one returned; {@code null} is an error. */
        FILTER_CHAIN,
        /** Each handler returns score deltas by id; deltas are summed. */
        SCORE_DELTA,
        /** Handlers observe and return nothing; failures are logged and audited unless the hook is strict. */
        FIRE_AND_FORGET
    }

    /** In which order core and plugin handlers run; within a partition, by handler name. */
    public enum Ordering {
        /** Core handlers, then plugin handlers. */
        CORE_FIRST,
        /** Plugin handlers, then core handlers. */
        PLUGINS_FIRST,
        /** The core handler is the baseline and runs first; plugins may observe or extend after it. */
        CORE_ONLY_DEFAULT,
        /** Only plugin handlers; the core has none. */
        PLUGIN_ONLY
    }

    /** The node function a hook belongs to. */
    public enum Band { ASSERT, RECALL, FEDERATION, IDENTITY, TENANT, CAPABILITY, MIGRATION, AUDIT, CONFIG }

    private final Semantic semantic;
    private final Ordering ordering;
    private final Band band;
    private final boolean strict;
    private final Class<? extends HookHandler> handlerType;
    private final String id;

    Hook(Semantic semantic, Ordering ordering, Band band, boolean strict, Class<? extends HookHandler> handlerType) {
        this.semantic = semantic;
        this.ordering = ordering;
        this.band = band;
        this.strict = strict;
        this.handlerType = handlerType;
        this.id = name().toLowerCase(Locale.ROOT);
    }

    /** The hook id, for example {@code pre_assert_authorize}. */
    public String id() {
        return id;
    }

    public Semantic semantic() {
        return semantic;
    }

    public Ordering ordering() {
        return ordering;
    }

    public Band band() {
        return band;
    }

    /** Whether a handler failure is surfaced to the hook site (the strict audit hooks). */
    public boolean strict() {
        return strict;
    }

    /** The interface a plugin implements to handle this hook. */
    public Class<? extends HookHandler> handlerType() {
        return handlerType;
    }

    /** The hook with this id, if any. */
    public static Optional<Hook> lookup(String id) {
        return Arrays.stream(values()).filter(h -> h.id.equals(id)).findFirst();
    }

    /** The hook handled by this handler interface, if it is one. */
    public static Optional<Hook> forHandlerType(Class<?> type) {
        return Arrays.stream(values()).filter(h -> h.handlerType == type).findFirst();
    }

    /** The hooks a class handles: those whose handler interface it implements, in table order. */
    public static List<Hook> handledBy(Class<?> type) {
        return Arrays.stream(values()).filter(h -> h.handlerType.isAssignableFrom(type)).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
