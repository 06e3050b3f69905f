package dev.stigmem.api.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Which facts to find: every present criterion must match.
 *
 * @param tenant    the tenant to search (required: reads never cross tenants implicitly)
 * @param subject   exact subject, if given
 * @param predicate exact predicate, if given
 * @param limit     at most this many facts (1 to 10,000)
 */
public record FactQuery(String tenant, Optional<String> subject, Optional<String> predicate, int limit) {
    /** Upper bound on {@link #limit()}, so no query can ask the node for unbounded work. */
    public static final int MAX_LIMIT = 10_000;

    public FactQuery {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(predicate, "predicate");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** All facts about a subject in a tenant, up to 100. */
    public static FactQuery bySubject(String tenant, String subject) {
        return new FactQuery(tenant, Optional.of(subject), Optional.empty(), 100);
    }
}
