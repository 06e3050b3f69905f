package dev.stigmem.api.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the node's audit trail.
 *
 * @param sequence   position in the trail, starting at 1
 * @param at         when it was recorded
 * @param actor      who caused it: a principal, {@code plugin:NAME} or {@code node}
 * @param action     what happened, for example {@code plugin.registered}
 * @param attributes details (copied, unmodifiable)
 */
public record AuditEvent(long sequence, Instant at, String actor, String action, Map<String, String> attributes) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        attributes = Map.copyOf(attributes);
    }
}
