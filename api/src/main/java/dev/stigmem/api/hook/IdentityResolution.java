package dev.stigmem.api.hook;

import dev.stigmem.api.core.Identity;
import java.util.Objects;

/**
 * Payload of {@code identity_resolve}: the identity resolved so far for a principal.
 *
 * @param principal the principal being resolved
 * @param identity  the identity resolved so far
 */
public record IdentityResolution(String principal, Identity identity) {
    public IdentityResolution {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(identity, "identity");
    }
}
