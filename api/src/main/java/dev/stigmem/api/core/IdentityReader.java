package dev.stigmem.api.core;

import java.util.Optional;

/** Reads identity state; obtained with capability {@code identity.read} (sensitive). */
public interface IdentityReader {
    /** The identity of this principal, if the node knows it. */
    Optional<Identity> lookup(String principal);
}
