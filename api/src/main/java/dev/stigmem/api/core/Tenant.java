package dev.stigmem.api.core;

import java.util.Map;
import java.util.Objects;

/**
 * A tenant: an isolation and routing boundary for facts.
 *
 * @param id         the tenant id
 * @param name       for people reading reports
 * @param attributes routing and policy metadata (copied, unmodifiable)
 */
public record Tenant(String id, String name, Map<String, String> attributes) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        attributes = Map.copyOf(attributes);
    }
}
