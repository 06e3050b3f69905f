package dev.stigmem.api.hook;

import dev.stigmem.api.core.Fact;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Payload of the federation inbound and outbound hooks: facts exchanged with one peer.
 *
 * @param peerId  the peer
 * @param facts   the facts (copied, unmodifiable)
 * @param headers transport headers, such as signatures (copied, unmodifiable)
 */
public record FederationBatch(String peerId, List<Fact> facts, Map<String, String> headers) {
    public FederationBatch {
        Objects.requireNonNull(peerId, "peerId");
        facts = List.copyOf(facts);
        headers = Map.copyOf(headers);
    }

    /** This batch with other facts. */
    public FederationBatch withFacts(List<Fact> newFacts) {
        return new FederationBatch(peerId, newFacts, headers);
    }

    /** This batch with one more header (replacing a previous value). */
    public FederationBatch withHeader(String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return new FederationBatch(peerId, facts, copy);
    }
}
