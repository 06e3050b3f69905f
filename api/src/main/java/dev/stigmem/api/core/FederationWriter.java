package dev.stigmem.api.core;

/** Mutates federation state; obtained with capability {@code federation.write} (high impact). */
public interface FederationWriter {
    /** Adds a peer or replaces the one with the same id. */
    void upsertPeer(Peer peer);

    /** Removes a peer; returns whether it was known. */
    boolean removePeer(String peerId);
}
