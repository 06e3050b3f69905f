package dev.stigmem.api.core;

import java.util.List;
import java.util.Optional;

/** Reads federation state; obtained with capability {@code federation.read}. */
public interface FederationReader {
    /** All known peers, ordered by id. */
    List<Peer> peers();

    /** The peer with this id, if known. */
    Optional<Peer> peer(String id);
}
