package dev.stigmem.api.core;

import java.util.List;
import java.util.Optional;

/** Reads tenant context; obtained with capability {@code tenant.read}. */
public interface TenantReader {
    /** The tenant with this id, if it exists. */
    Optional<Tenant> tenant(String id);

    /** All tenants, ordered by id. */
    List<Tenant> tenants();
}
