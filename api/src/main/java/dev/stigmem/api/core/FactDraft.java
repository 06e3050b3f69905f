package dev.stigmem.api.core;

import java.util.Map;
import java.util.Objects;

/**
 * A fact as asserted, before the node assigns it an id and persists it.
 *
 * @param subject    what the fact is about
 * @param predicate  the relation
 * @param object     the value
 * @param tenant     the tenant it is asserted into
 * @param attributes free-form metadata (copied, unmodifiable)
 */
public record FactDraft(String subject, String predicate, String object, String tenant, Map<String, String> attributes) {
    public FactDraft {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(tenant, "tenant");
        attributes = Map.copyOf(attributes);
    }

    /** A draft without attributes. */
    public static FactDraft of(String subject, String predicate, String object, String tenant) {
        return new FactDraft(subject, predicate, object, tenant, Map.of());
    }

    /** This draft with one more attribute (replacing a previous value of the key). */
    public FactDraft withAttribute(String key, String value) {
        var copy = new java.util.HashMap<>(attributes);
        copy.put(key, value);
        return new FactDraft(subject, predicate, object, tenant, copy);
    }
}
