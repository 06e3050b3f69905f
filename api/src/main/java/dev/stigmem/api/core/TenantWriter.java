package dev.stigmem.api.core;

/** Mutates tenants; obtained with capability {@code tenant.write} (high impact). */
public interface TenantWriter {
    /** Creates a tenant or replaces the one with the same id. */
    void upsert(Tenant tenant);

    /** Removes a tenant; returns whether it existed. */
    boolean remove(String tenantId);
}
