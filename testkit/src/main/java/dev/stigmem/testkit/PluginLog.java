package dev.stigmem.testkit;

import dev.stigmem.node.PluginLogLine;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * What plugins logged through {@link System.Logger} on a {@link TestNode}, every level, as the node
 * wrote it to SLF4J (logger {@code plugin.NAME}): bounded, escaped text, the throwable as its
 * class and message. Lines of every thread of the plugin, in the order they were logged.
 */
public final class PluginLog {
    /** Lines kept at most; a test that logs more keeps the first ones and a count. */
    static final int LIMIT = 10_000;

    private final List<PluginLogLine> lines = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();

    PluginLog() {
    }

    synchronized void add(PluginLogLine line) {
        if (lines.size() < LIMIT) {
            lines.add(line);
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Every line, oldest first. */
    public synchronized List<PluginLogLine> lines() {
        return List.copyOf(lines);
    }

    /** The lines of one plugin, oldest first. */
    public List<PluginLogLine> lines(String plugin) {
        return lines().stream().filter(l -> l.plugin().equals(plugin)).toList();
    }

    /**
     * Asserts a line at {@code level} whose message contains {@code fragment} was logged; returns the
     * first such line.
     */
    public PluginLogLine assertLogged(Level level, String fragment) {
        List<PluginLogLine> all = lines();
        return all.stream().filter(l -> l.level() == level && l.message().contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionFailedError("expected a line at " + level + " containing '" + fragment
                        + "', but plugins logged " + describe(all)));
    }

    /** Asserts no line at {@code level} or above was logged (for example nothing at {@code WARNING} or {@code ERROR}). */
    public PluginLog assertNothingLoggedAtOrAbove(Level level) {
        List<PluginLogLine> found = lines().stream().filter(l -> l.level().getSeverity() >= level.getSeverity()).toList();
        if (!found.isEmpty()) {
            throw new AssertionFailedError("expected nothing logged at " + level + " or above, but " + describe(found));
        }
        return this;
    }

    /** Forgets the lines logged so far (for example those of {@code start}). */
    public synchronized void clear() {
        lines.clear();
        dropped.set(0);
    }

    private String describe(List<PluginLogLine> some) {
        if (some.isEmpty()) {
            return "nothing";
        }
        String shown = some.stream().limit(20).map(PluginLogLine::toString).collect(Collectors.joining("\n  ", some.size() + " line(s):\n  ", ""));
        return shown + (some.size() > 20 ? "\n  ..." : "") + (dropped.get() > 0 ? "\n  (" + dropped.get() + " more not kept)" : "");
    }
}
