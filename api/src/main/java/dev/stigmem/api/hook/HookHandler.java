package dev.stigmem.api.hook;

/**
 * The closed set of hook handler interfaces. A plugin's entry class implements the ones it
 * handles; the set it implements is its hook map, visible in its bytecode. Sealed so the surface
 * stays the 22 hooks of {@link Hook}.
 */
public sealed interface HookHandler permits
        PreAssertAuthorize,
        PreAssertValidate,
        PreAssertTransform,
        PostAssertPersist,
        PostAssertPropagate,
        PostAssertAudit,
        PreRecallAuthorize,
        PreRecallRewrite,
        RecallFilter,
        RecallRank,
        PostRecallAudit,
        FederationPeerAuthenticate,
        FederationInboundValidate,
        FederationInboundFilter,
        FederationOutboundFilter,
        FederationOutboundSign,
        IdentityResolve,
        TenantResolve,
        CapabilityCheck,
        MigrationRegister,
        AuditEmit,
        ConfigValidate {
}
