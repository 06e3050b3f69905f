package dev.stigmem.api.hook;

import java.util.Objects;

/**
 * Payload of {@code tenant_resolve}: the tenant resolved so far for a principal.
 *
 * @param principal the principal
 * @param tenantId  the tenant resolved so far
 */
public record TenantResolution(String principal, String tenantId) {
    public TenantResolution {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(tenantId, "tenantId");
    }
}
