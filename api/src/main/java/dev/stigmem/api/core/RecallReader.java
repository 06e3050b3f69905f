package dev.stigmem.api.core;

import java.util.List;

/** Read access to recall; obtained with capability {@code recall.read}. */
public interface RecallReader {
    /** Recalls facts through the node's recall hook sites, best first. */
    List<RecallHit> recall(RecallQuery query);
}
