package dev.stigmem.api.hook;

import dev.stigmem.api.core.RecallHit;
import java.util.List;
import java.util.Objects;

/**
 * Payload of the recall filter, rank and audit hooks: a recall and its hits, best first.
 *
 * @param request the recall as it ran
 * @param hits    its hits (copied, unmodifiable)
 */
public record RecallResults(RecallRequest request, List<RecallHit> hits) {
    public RecallResults {
        Objects.requireNonNull(request, "request");
        hits = List.copyOf(hits);
    }

    /** These results with other hits. */
    public RecallResults withHits(List<RecallHit> newHits) {
        return new RecallResults(request, newHits);
    }
}
