package dev.stigmem.testkit;

import dev.stigmem.api.Capability;
import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * What one hook call did: the value it produced or the failure it surfaced, the handler failures
 * the node recorded (also those a fire-and-forget hook swallows), and the audit events of the call.
 * The {@code assert...} methods throw {@link AssertionFailedError} with the whole outcome in the message.
 *
 * @param <T> the hook's result: {@link Vote}, the filtered value, score deltas, or {@code Void}
 */
public final class HookOutcome<T> {
    private static final double DELTA_TOLERANCE = 1e-9;

    private final Hook hook;
    private final Optional<T> value;
    private final Optional<PluginExecutionError> thrown;
    private final List<AuditEvent> events;

    HookOutcome(Hook hook, Optional<T> value, Optional<PluginExecutionError> thrown, List<AuditEvent> events) {
        this.hook = hook;
        this.value = value;
        this.thrown = thrown;
        this.events = List.copyOf(events);
    }

    public Hook hook() {
        return hook;
    }

    /** The hook's result, when it completed with one. */
    public Optional<T> value() {
        return value;
    }

    /** The audit events recorded during the call, oldest first. */
    public List<AuditEvent> auditEvents() {
        return events;
    }

    /** Every handler failure of the call: the one the hook threw, and those the node only audited. */
    public List<HookFailure> failures() {
        List<HookFailure> out = new ArrayList<>();
        for (AuditEvent e : events) {
            if (!e.action().equals("hook.handler_failed")) {
                continue;
            }
            String plugin = e.actor().startsWith("plugin:") ? e.actor().substring("plugin:".length()) : e.actor();
            String handler = e.attributes().getOrDefault("handler", "");
            Optional<PluginExecutionError> exception = thrown.filter(t -> t.pluginName().equals(plugin) && t.handler().equals(handler));
            out.add(new HookFailure(plugin, handler, e.attributes().getOrDefault("hook", hook.id()),
                    e.attributes().getOrDefault("error", ""), Optional.ofNullable(e.attributes().get("capability")), exception));
        }
        if (out.isEmpty() && thrown.isPresent()) {
            PluginExecutionError t = thrown.get();
            Optional<String> capability = t.getCause() instanceof CapabilityError ce ? Optional.of(ce.capabilityId()) : Optional.empty();
            out.add(new HookFailure(t.pluginName(), t.handler(), t.hook(), t.getMessage(), capability, thrown));
        }
        return List.copyOf(out);
    }

    /** Asserts the call completed and no handler failed (not even one a fire-and-forget hook swallowed). */
    public HookOutcome<T> assertSucceeded() {
        if (thrown.isPresent() || !failures().isEmpty()) {
            throw new AssertionFailedError("expected " + hook.id() + " to succeed, but " + describe(), thrown.orElse(null));
        }
        return this;
    }

    /** Asserts success and returns the hook's result (the vote, the filtered value, the deltas). */
    public T assertValue() {
        assertSucceeded();
        return value.orElseThrow(() -> new AssertionFailedError(hook.id() + " produced no value (it is " + hook.semantic() + ")"));
    }

    /** Asserts the vote allowed. */
    public HookOutcome<T> assertAllowed() {
        Vote v = vote();
        if (!(v instanceof Vote.Allow)) {
            throw new AssertionFailedError("expected " + hook.id() + " to allow, but it voted " + v, Vote.allow(), v);
        }
        return this;
    }

    /** Asserts the vote denied with a reason containing {@code reasonFragment}. */
    public HookOutcome<T> assertDenied(String reasonFragment) {
        String reason = assertDenied();
        if (!reason.contains(reasonFragment)) {
            throw new AssertionFailedError("expected the deny reason of " + hook.id() + " to contain '" + reasonFragment
                    + "', but it was '" + reason + "'", reasonFragment, reason);
        }
        return this;
    }

    /** Asserts the vote denied; returns its reason. */
    public String assertDenied() {
        Vote v = vote();
        if (v instanceof Vote.Deny d) {
            return d.reason();
        }
        throw new AssertionFailedError("expected " + hook.id() + " to deny, but it allowed");
    }

    /** Asserts the summed score delta for {@code id} (within 1e-9). */
    public HookOutcome<T> assertDelta(String id, double expected) {
        Map<String, Double> deltas = deltas();
        Double actual = deltas.get(id);
        if (actual == null || Math.abs(actual - expected) > DELTA_TOLERANCE) {
            throw new AssertionFailedError("expected score delta " + expected + " for '" + id + "' from " + hook.id()
                    + ", but it was " + actual + " (all deltas: " + deltas + ")", expected, actual);
        }
        return this;
    }

    /** Asserts the handlers returned no score delta at all. */
    public HookOutcome<T> assertNoDeltas() {
        Map<String, Double> deltas = deltas();
        if (!deltas.isEmpty()) {
            throw new AssertionFailedError("expected no score deltas from " + hook.id() + ", but: " + deltas, Map.of(), deltas);
        }
        return this;
    }

    /** Asserts a handler failed; returns the first failure. */
    public HookFailure assertFailed() {
        List<HookFailure> f = failures();
        if (f.isEmpty()) {
            throw new AssertionFailedError("expected a handler of " + hook.id() + " to fail, but " + describe());
        }
        return f.get(0);
    }

    /**
     * Asserts the runtime gate refused {@code capability} to a plugin during the call, whether the
     * plugin let the {@link CapabilityError} fail its handler (audited as {@code hook.handler_failed}
     * with the capability) or caught it (the gate audits its refusals as {@code capability.denied}:
     * a plugin's first 100 one by one, then every 100th).
     */
    public HookOutcome<T> assertCapabilityDenied(Capability capability) {
        boolean denied = events.stream().anyMatch(e -> (e.action().equals("capability.denied") || e.action().equals("hook.handler_failed"))
                && capability.id().equals(e.attributes().get("capability")));
        if (!denied) {
            throw new AssertionFailedError("expected the gate to refuse capability '" + capability.id() + "' during "
                    + hook.id() + ", but " + describe());
        }
        return this;
    }

    private Vote vote() {
        if (hook.semantic() != Hook.Semantic.VOTING) {
            throw new IllegalStateException(hook.id() + " is " + hook.semantic() + ", not a vote");
        }
        if (thrown.isPresent()) {
            throw new AssertionFailedError("expected a vote from " + hook.id() + ", but " + describe(), thrown.get());
        }
        return (Vote) value.orElseThrow();
    }

    @SuppressWarnings("unchecked") // a score-delta hook's value is its delta map
    private Map<String, Double> deltas() {
        if (hook.semantic() != Hook.Semantic.SCORE_DELTA) {
            throw new IllegalStateException(hook.id() + " is " + hook.semantic() + ", not score deltas");
        }
        if (thrown.isPresent()) {
            throw new AssertionFailedError("expected score deltas from " + hook.id() + ", but " + describe(), thrown.get());
        }
        return (Map<String, Double>) value.orElseThrow();
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        thrown.ifPresentOrElse(t -> b.append("it threw ").append(t.getMessage()),
                () -> b.append("it completed").append(value.map(v -> " with " + v).orElse("")));
        List<HookFailure> f = failures();
        if (!f.isEmpty()) {
            b.append("; handler failures: ").append(f.stream().map(x -> x.plugin() + "/" + x.handler() + ": " + x.detail()).toList());
        }
        b.append("; audit events of the call: ");
        b.append(events.isEmpty() ? "none" : events.stream().map(AuditTrail::render).toList());
        return b.toString();
    }

    @Override
    public String toString() {
        return "HookOutcome[" + hook.id() + ": " + describe() + "]";
    }
}
