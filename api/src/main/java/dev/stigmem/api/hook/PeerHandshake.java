package dev.stigmem.api.hook;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Payload of {@code federation_peer_authenticate}: what a connecting peer presented.
 *
 * @param peerId             the node id the peer claims
 * @param endpoint           where it connects from
 * @param presentedKeySha256 fingerprint of the key it presented (hex)
 * @param claims             further claims (copied, unmodifiable)
 */
public record PeerHandshake(String peerId, URI endpoint, String presentedKeySha256, Map<String, String> claims) {
    public PeerHandshake {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(presentedKeySha256, "presentedKeySha256");
        claims = Map.copyOf(claims);
    }
}
