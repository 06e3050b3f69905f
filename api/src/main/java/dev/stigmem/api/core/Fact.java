package dev.stigmem.api.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A fact held by the node: a subject-predicate-object statement in one tenant, with its source.
 *
 * @param id          node-assigned id, unique within the node
 * @param subject     what the fact is about
 * @param predicate   the relation
 * @param object      the value
 * @param tenant      the tenant the fact belongs to
 * @param source      who or what asserted it (principal, peer or plugin)
 * @param assertedAt  when the node persisted it
 * @param attributes  free-form metadata (copied, unmodifiable)
 */
public record Fact(String id, String subject, String predicate, String object, String tenant, String source,
                   Instant assertedAt, Map<String, String> attributes) {
    public Fact {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(assertedAt, "assertedAt");
        attributes = Map.copyOf(attributes);
    }
}
