package dev.stigmem.api.core;

import java.util.Objects;

/**
 * A recall: free text matched against facts of one tenant.
 *
 * @param tenant the tenant to recall from
 * @param text   what to recall
 * @param limit  at most this many hits (1 to 1,000)
 */
public record RecallQuery(String tenant, String text, int limit) {
    /** Upper bound on {@link #limit()}. */
    public static final int MAX_LIMIT = 1_000;

    public RecallQuery {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(text, "text");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }
}
