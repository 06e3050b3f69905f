package dev.stigmem.api.core;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A resolved principal.
 *
 * @param principal   the stable principal id
 * @param displayName for people reading reports
 * @param roles       roles held (copied, unmodifiable)
 * @param attributes  identity metadata (copied, unmodifiable)
 */
public record Identity(String principal, String displayName, Set<String> roles, Map<String, String> attributes) {
    public Identity {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(displayName, "displayName");
        roles = Set.copyOf(roles);
        attributes = Map.copyOf(attributes);
    }
}
