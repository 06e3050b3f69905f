package dev.stigmem.api.hook;

import dev.stigmem.api.core.RecallQuery;
import java.util.Objects;

/**
 * Payload of the pre-recall hooks: who recalls what.
 *
 * @param principal the recalling principal
 * @param query     the recall
 */
public record RecallRequest(String principal, RecallQuery query) {
    public RecallRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(query, "query");
    }

    /** This request with another query. */
    public RecallRequest withQuery(RecallQuery newQuery) {
        return new RecallRequest(principal, newQuery);
    }
}
