package dev.stigmem.testkit;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import java.util.List;
import java.util.Map;
import org.opentest4j.AssertionFailedError;

/**
 * A {@link TestNode}'s audit trail: the node's own events (trust decisions, scans, registrations,
 * denials, handler failures, capability refusals) and those plugins emit through {@code audit.emit}.
 */
public final class AuditTrail {
    // The node's reader answers at most this many events a call; a test that needs more has a bigger problem.
    private static final int LIMIT = 10_000;

    private final AuditReader reader;

    AuditTrail(AuditReader reader) {
        this.reader = reader;
    }

    /** Every event, oldest first. */
    public List<AuditEvent> events() {
        return reader.recent(LIMIT);
    }

    /** The events with this action, oldest first. */
    public List<AuditEvent> events(String action) {
        return reader.byAction(action, LIMIT);
    }

    /** Asserts an event with this action was recorded; returns the newest. */
    public AuditEvent assertEmitted(String action) {
        List<AuditEvent> found = events(action);
        if (found.isEmpty()) {
            throw new AssertionFailedError("expected an audit event '" + action + "', the trail holds: " + describe());
        }
        return found.get(found.size() - 1);
    }

    /** Asserts an event with this action and at least these attributes was recorded by {@code actor}; returns the newest. */
    public AuditEvent assertEmitted(String actor, String action, Map<String, String> attributes) {
        List<AuditEvent> found = events(action).stream()
                .filter(e -> e.actor().equals(actor) && e.attributes().entrySet().containsAll(attributes.entrySet()))
                .toList();
        if (found.isEmpty()) {
            throw new AssertionFailedError("expected an audit event '" + action + "' by " + actor + " with " + attributes
                    + ", the trail holds: " + describe());
        }
        return found.get(found.size() - 1);
    }

    /** Asserts no event with this action was recorded. */
    public AuditTrail assertNotEmitted(String action) {
        List<AuditEvent> found = events(action);
        if (!found.isEmpty()) {
            throw new AssertionFailedError("expected no audit event '" + action + "', but: " + found);
        }
        return this;
    }

    long lastSequence() {
        List<AuditEvent> last = reader.recent(1);
        return last.isEmpty() ? 0 : last.get(0).sequence();
    }

    // The trail's sequence is gapless, so the events after `sequence` are the newest (last - sequence):
    // read just those, not the whole trail on every hook call.
    List<AuditEvent> since(long sequence) {
        long count = lastSequence() - sequence;
        return count <= 0 ? List.of() : reader.recent((int) Math.min(count, LIMIT));
    }

    private String describe() {
        return events().stream().map(e -> e.sequence() + " " + e.actor() + " " + e.action() + " " + e.attributes()).toList().toString();
    }
}
