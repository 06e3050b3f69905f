package dev.stigmem.guard;

import dev.stigmem.guard.internal.check.GuardChecker;
import java.time.Duration;
import java.util.List;

/**
 * One plugin's layer as the runtime JDK guard sees it: code of the layer is refused the policy's
 * guarded JDK members, and the threads it starts (directly or through JDK executors it created) are
 * counted against it, bounded, and interrupted when it stops. Thread-safe.
 */
public final class PluginDomain {

    private final GuardChecker.Domain domain;

    PluginDomain(GuardChecker.Domain domain) {
        this.domain = domain;
    }

    /** The plugin's name. */
    public String pluginName() {
        return domain.pluginName();
    }

    /** The plugin's threads alive now. */
    public int liveThreads() {
        return domain.liveThreads();
    }

    /** Whether {@link #stop} was called. */
    public boolean isStopped() {
        return domain.stopped();
    }

    /**
     * Ends the plugin's threads: it may start no more, each is interrupted and all get {@code grace}
     * to end. The code of the layer stays refused afterwards (the layer is then held weakly).
     *
     * @return the names of the plugin's threads still running after {@code grace}, sorted; Java
     *         cannot kill them, so the host reports them
     */
    public List<String> stop(Duration grace) {
        return domain.stop(grace.toNanos());
    }
}
