package dev.stigmem.api.core;

import java.net.URI;
import java.util.Objects;

/**
 * A federation peer.
 *
 * @param id                 the peer's node id
 * @param endpoint           where it is reached
 * @param publicKeySha256    fingerprint of the key it authenticates with (hex)
 * @param trusted            whether facts from it are accepted
 */
public record Peer(String id, URI endpoint, String publicKeySha256, boolean trusted) {
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(publicKeySha256, "publicKeySha256");
    }
}
