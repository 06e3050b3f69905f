package dev.stigmem.testkit;

import dev.stigmem.api.Capability;
import dev.stigmem.node.CoreCall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opentest4j.AssertionFailedError;

/** The core API calls plugins made on a {@link TestNode}, in order; thread-safe. */
public final class RecordedCalls {
    private final List<CoreCall> calls = new CopyOnWriteArrayList<>();

    RecordedCalls() {
    }

    void add(CoreCall call) {
        calls.add(call);
    }

    /** Every call, oldest first. */
    public List<CoreCall> all() {
        return List.copyOf(calls);
    }

    /** The calls on the handle of one capability. */
    public List<CoreCall> of(Capability capability) {
        return calls.stream().filter(c -> c.capability() == capability).toList();
    }

    /** The calls of one handle method, for example {@code (FactsWriter.class, "retract")}. */
    public List<CoreCall> of(Class<?> handleType, String method) {
        return calls.stream().filter(c -> c.handleType() == handleType && c.method().equals(method)).toList();
    }

    /** Asserts at least one call of the method; returns the first. */
    public CoreCall assertCalled(Class<?> handleType, String method) {
        List<CoreCall> found = of(handleType, method);
        if (found.isEmpty()) {
            throw new AssertionFailedError("expected a call of " + handleType.getSimpleName() + "." + method + ", calls were: " + describe());
        }
        return found.get(0);
    }

    /** Asserts exactly {@code times} calls of the method; returns them. */
    public List<CoreCall> assertCalled(Class<?> handleType, String method, int times) {
        List<CoreCall> found = of(handleType, method);
        if (found.size() != times) {
            throw new AssertionFailedError("expected " + times + " calls of " + handleType.getSimpleName() + "." + method + ", but there were "
                    + found.size() + " (all calls: " + describe() + ")", times, found.size());
        }
        return found;
    }

    /** Asserts no call on the handle of {@code capability}. */
    public RecordedCalls assertNotCalled(Capability capability) {
        List<CoreCall> found = of(capability);
        if (!found.isEmpty()) {
            throw new AssertionFailedError("expected no call on the " + capability.id() + " handle, but: " + found);
        }
        return this;
    }

    /** Asserts no core API call at all. */
    public RecordedCalls assertNone() {
        if (!calls.isEmpty()) {
            throw new AssertionFailedError("expected no core API call, but: " + describe());
        }
        return this;
    }

    /** Forgets the calls so far (for example those a seeding step caused). */
    public void clear() {
        calls.clear();
    }

    private String describe() {
        return calls.isEmpty() ? "none" : calls.toString();
    }

    @Override
    public String toString() {
        return "RecordedCalls" + calls;
    }
}
