package dev.stigmem.api.core;

import java.util.List;
import java.util.Optional;

/** Read access to facts; obtained with capability {@code facts.read}. */
public interface FactsReader {
    /** The fact with this id, if the node holds it. */
    Optional<Fact> get(String id);

    /** Facts matching the query, in assertion order, at most {@link FactQuery#limit()}. */
    List<Fact> find(FactQuery query);
}
