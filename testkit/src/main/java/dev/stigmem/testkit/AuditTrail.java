package dev.stigmem.testkit;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * A {@link TestNode}'s audit trail: the node's own events (trust decisions, scans, registrations,
 * denials, handler failures, capability refusals) and those plugins emit through {@code audit.emit}.
 */
public final class AuditTrail {
    // The node's reader answers at most this many events a call; a test that needs more has a bigger problem.
    private static final int LIMIT = 10_000;
    // Events a failure message lists one by one.
    private static final int SHOWN = 5;

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

    /**
     * Asserts an event with this action was recorded; returns the newest. On failure the message
     * shows the event whose action is closest and which actions the trail holds.
     */
    public AuditEvent assertEmitted(String action) {
        List<AuditEvent> all = events();
        List<AuditEvent> found = all.stream().filter(e -> e.action().equals(action)).toList();
        if (found.isEmpty()) {
            Optional<AuditEvent> closest = all.stream()
                    .min(Comparator.comparingInt((AuditEvent e) -> distance(e.action(), action))
                            .thenComparing(Comparator.comparingLong(AuditEvent::sequence).reversed()));
            throw new AssertionFailedError("expected an audit event '" + action + "', but there is none"
                    + closest.map(e -> "; closest: " + render(e)).orElse(" (the trail is empty)") + actions(all),
                    action, closest.map(AuditEvent::action).orElse(null));
        }
        return found.get(found.size() - 1);
    }

    /**
     * Asserts an event with this action and at least these attributes was recorded by {@code actor};
     * returns the newest. On failure the message shows the closest event (same action and actor
     * first, then the most expected attributes matched) with its attributes sorted, and what differs.
     */
    public AuditEvent assertEmitted(String actor, String action, Map<String, String> attributes) {
        List<AuditEvent> all = events();
        List<AuditEvent> found = all.stream()
                .filter(e -> e.action().equals(action) && e.actor().equals(actor)
                        && e.attributes().entrySet().containsAll(attributes.entrySet()))
                .toList();
        if (!found.isEmpty()) {
            return found.get(found.size() - 1);
        }
        String expected = actor + " " + action + " " + new TreeMap<>(attributes);
        Optional<AuditEvent> closest = all.stream()
                .max(Comparator.comparingInt((AuditEvent e) -> likeness(e, actor, action, attributes))
                        .thenComparingLong(AuditEvent::sequence));
        StringBuilder b = new StringBuilder("expected an audit event ").append(expected).append(", but none matches");
        closest.ifPresentOrElse(e -> {
            b.append("; closest: ").append(render(e));
            List<String> differences = differences(e, actor, action, attributes);
            if (!differences.isEmpty()) {
                b.append("\n  differs in: ").append(String.join(", ", differences));
            }
        }, () -> b.append(" (the trail is empty)"));
        b.append(actions(all));
        throw new AssertionFailedError(b.toString(), expected,
                closest.map(e -> e.actor() + " " + e.action() + " " + new TreeMap<>(e.attributes())).orElse(null));
    }

    /** Asserts no event with this action was recorded. */
    public AuditTrail assertNotEmitted(String action) {
        List<AuditEvent> found = events(action);
        if (!found.isEmpty()) {
            throw new AssertionFailedError("expected no audit event '" + action + "', but the trail holds " + found.size() + ": "
                    + found.stream().limit(SHOWN).map(AuditTrail::render).collect(Collectors.joining("; "))
                    + (found.size() > SHOWN ? "; ..." : ""));
        }
        return this;
    }

    /** One event as the testkit shows it: {@code #12 plugin:x some.action {a=1, b=2}}, attributes sorted by key. */
    static String render(AuditEvent e) {
        return "#" + e.sequence() + " " + e.actor() + " " + e.action() + " " + new TreeMap<>(e.attributes());
    }

    // Same action weighs most, then the same actor, then each expected attribute present with its value.
    private static int likeness(AuditEvent e, String actor, String action, Map<String, String> attributes) {
        int score = e.action().equals(action) ? 1_000_000 : -distance(e.action(), action) * 1_000;
        score += e.actor().equals(actor) ? 10_000 : 0;
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            String value = e.attributes().get(a.getKey());
            score += a.getValue().equals(value) ? 10 : value != null ? 1 : 0;
        }
        return score;
    }

    private static List<String> differences(AuditEvent e, String actor, String action, Map<String, String> attributes) {
        List<String> out = new ArrayList<>();
        if (!e.action().equals(action)) {
            out.add("action '" + e.action() + "'");
        }
        if (!e.actor().equals(actor)) {
            out.add("actor '" + e.actor() + "'");
        }
        for (Map.Entry<String, String> a : new TreeMap<>(attributes).entrySet()) {
            String value = e.attributes().get(a.getKey());
            if (value == null) {
                out.add(a.getKey() + " missing");
            } else if (!value.equals(a.getValue())) {
                out.add(a.getKey() + "='" + value + "' (expected '" + a.getValue() + "')");
            }
        }
        return out;
    }

    // What the trail holds, in brief: each action with its count, sorted.
    private static String actions(List<AuditEvent> all) {
        if (all.isEmpty()) {
            return "";
        }
        Map<String, Long> counts = all.stream().collect(Collectors.groupingBy(AuditEvent::action, TreeMap::new, Collectors.counting()));
        return "\n  the trail holds " + all.size() + " events: " + counts.entrySet().stream()
                .map(c -> c.getValue() == 1 ? c.getKey() : c.getKey() + " x" + c.getValue()).collect(Collectors.joining(", "));
    }

    // Edit distance between two action names (short strings; bounded so a long one costs little).
    static int distance(String a, String b) {
        String x = a.length() > 200 ? a.substring(0, 200) : a;
        String y = b.length() > 200 ? b.substring(0, 200) : b;
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
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
}
