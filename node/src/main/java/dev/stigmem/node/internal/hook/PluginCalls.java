package dev.stigmem.node.internal.hook;

import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.node.internal.audit.AuditSink;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call the node makes into one plugin, and what the node concludes from them.
 *
 * <p><b>Containment.</b> Whatever a call throws, {@link Throwable} and the JVM's own
 * {@link VirtualMachineError}s included ({@code OutOfMemoryError}, {@code StackOverflowError},
 * {@code InternalError}), is that plugin's failure: it is rendered to bounded, escaped text inside
 * the call ({@link PluginText#thrown}) and the node goes on. Such an error in a plugin's call leaves
 * nothing of the node's half done: the call ran plugin code only, on the plugin's thread (or the
 * caller's, without a handler time limit), and the node reads its result after it unwound. An error
 * in the node's own code is not contained here; the node stops on it ({@code StigmemNode}).
 *
 * <p><b>Time limits.</b> Construction (static initializer and constructor), {@code start},
 * {@code stop} and {@code health} always run on a lifecycle thread of the plugin's, under
 * {@link Limits#lifecycleTimeout()}; handlers run on the plugin's {@value #HANDLER_THREADS} handler
 * threads under {@link Limits#handlerTimeout()} when one is set, else on the caller's thread. A
 * limit counts from the moment the call starts, not from when it was queued (see
 * {@link PluginThreads}); a call over its limit fails with {@code did not return within N ms} and
 * its thread stays stuck (interrupted) until the plugin's code returns. While every handler thread
 * is stuck, the plugin is unhealthy and its handler calls fail at once saying so.
 *
 * <p><b>Quarantine.</b> After {@link Limits#quarantineAfter()} consecutive handler failures (a
 * throw, an unusable result, a time-out, a call refused because all its threads are stuck) the
 * plugin is quarantined for the rest of the node's life, audited once as {@code plugin.quarantined};
 * a success in between starts the count again. What a quarantined plugin's handlers do is the
 * registry's ({@link HookRegistry}: fail closed where the hook surfaces failures, skipped where it
 * does not). Health checks and lifecycle calls do not count.
 *
 * <p>Thread-safe.
 */
public final class PluginCalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginCalls.class);

    /** Threads per plugin for handlers when they are time-limited; also the bound on its stuck handler threads. */
    public static final int HANDLER_THREADS = 4;
    /** Handler calls that may wait for a free handler thread of one plugin. */
    static final int HANDLER_WAITING = 64;
    /** Lifecycle calls that may wait for the plugin's lifecycle thread. */
    static final int LIFECYCLE_WAITING = 8;

    /** The default time limit of construction, {@code start}, {@code stop} and {@code health}. */
    public static final Duration DEFAULT_LIFECYCLE_TIMEOUT = Duration.ofSeconds(10);
    /** The longest lifecycle time limit the node accepts. */
    public static final Duration MAX_LIFECYCLE_TIMEOUT = Duration.ofMinutes(5);
    /** The longest handler time limit the node accepts (reference implementation). */
    public static final Duration MAX_HANDLER_TIMEOUT = Duration.ofSeconds(30);
    /** Consecutive handler failures after which a plugin is quarantined, unless configured. */
    public static final int DEFAULT_QUARANTINE_AFTER = 5;
    /** The highest quarantine threshold the node accepts. */
    public static final int MAX_QUARANTINE_AFTER = 1_000;

    /**
     * The limits of one node's calls into plugins.
     *
     * @param handlerTimeout   time limit of each handler call; empty: none, handlers run on the caller's thread
     * @param lifecycleTimeout time limit of construction, {@code start}, {@code stop}, {@code health}
     * @param quarantineAfter  consecutive handler failures that quarantine a plugin
     */
    public record Limits(Optional<Duration> handlerTimeout, Duration lifecycleTimeout, int quarantineAfter) {
        public Limits {
            Objects.requireNonNull(handlerTimeout, "handlerTimeout");
            Objects.requireNonNull(lifecycleTimeout, "lifecycleTimeout");
            handlerTimeout.ifPresent(Limits::checkHandlerTimeout);
            checkLifecycleTimeout(lifecycleTimeout);
            checkQuarantineAfter(quarantineAfter);
        }

        /** No handler time limit, the default lifecycle limit and quarantine threshold. */
        public static Limits defaults() {
            return new Limits(Optional.empty(), DEFAULT_LIFECYCLE_TIMEOUT, DEFAULT_QUARANTINE_AFTER);
        }

        public Limits withHandlerTimeout(Duration limit) {
            return new Limits(Optional.of(limit), lifecycleTimeout, quarantineAfter);
        }

        public Limits withLifecycleTimeout(Duration limit) {
            return new Limits(handlerTimeout, limit, quarantineAfter);
        }

        public Limits withQuarantineAfter(int failures) {
            return new Limits(handlerTimeout, lifecycleTimeout, failures);
        }

        /** @throws IllegalArgumentException if not positive or over {@link #MAX_HANDLER_TIMEOUT} */
        public static void checkHandlerTimeout(Duration limit) {
            if (limit.isNegative() || limit.isZero() || limit.compareTo(MAX_HANDLER_TIMEOUT) > 0) {
                throw new IllegalArgumentException("handler timeout must be positive and at most 30 s, was " + limit);
            }
        }

        /** @throws IllegalArgumentException if not positive or over {@link #MAX_LIFECYCLE_TIMEOUT} */
        public static void checkLifecycleTimeout(Duration limit) {
            if (limit.isNegative() || limit.isZero() || limit.compareTo(MAX_LIFECYCLE_TIMEOUT) > 0) {
                throw new IllegalArgumentException("lifecycle timeout must be positive and at most 5 min, was " + limit);
            }
        }

        /** @throws IllegalArgumentException if not between 1 and {@link #MAX_QUARANTINE_AFTER} */
        public static void checkQuarantineAfter(int failures) {
            if (failures < 1 || failures > MAX_QUARANTINE_AFTER) {
                throw new IllegalArgumentException("quarantine threshold must be between 1 and " + MAX_QUARANTINE_AFTER
                        + " consecutive failures, was " + failures);
            }
        }
    }

    /** A plugin's construction: the instance, or why there is none (the node's text). */
    public record Constructed(Optional<Plugin> plugin, String failure) {
    }

    // Made before any call, so that a failure while memory is short still has its text.
    private static final Outcome.Failed UNRENDERABLE = new Outcome.Failed(
            "threw, and its exception could not be rendered (the node ran short of memory)");

    private final String pluginName;
    private final Limits limits;
    private final AuditSink audit;
    private volatile ClassLoader loader;
    private final Optional<PluginThreads> handlerThreads;
    private final PluginThreads lifecycleThreads;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicReference<String> quarantine = new AtomicReference<>();

    public PluginCalls(String pluginName, Limits limits, AuditSink audit) {
        this.pluginName = Objects.requireNonNull(pluginName, "pluginName");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.handlerThreads = limits.handlerTimeout()
                .map(t -> new PluginThreads(pluginName, "handler", HANDLER_THREADS, HANDLER_WAITING, () -> loader));
        this.lifecycleThreads = new PluginThreads(pluginName, "lifecycle", 1, LIFECYCLE_WAITING, () -> loader);
    }

    public String pluginName() {
        return pluginName;
    }

    public Limits limits() {
        return limits;
    }

    /** The plugin's class loader, the context loader of the threads made for it from now on. */
    void classLoader(ClassLoader pluginLoader) {
        if (loader == null) {
            loader = pluginLoader;
        }
    }

    // ---------------------------------------------------------------- handlers

    /**
     * Runs a handler call (which must not throw) under the handler limit, or on this thread without one.
     * On this thread, the plugin's own class loader is the context loader for the call, as on the
     * plugin's threads: otherwise it would be the caller's (the node's application loader), and JDK code
     * that finds classes through the context loader on the plugin's behalf (ServiceLoader.load(type),
     * java.beans' editor and BeanInfo lookup) would find and instantiate the host's classes for it.
     */
    Outcome handler(Supplier<Outcome> call) {
        if (handlerThreads.isEmpty()) {
            ClassLoader own = loader;
            if (own == null) {
                return call.get();
            }
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(own);
            try {
                return call.get();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        Duration limit = limits.handlerTimeout().orElseThrow();
        return handlerThreads.get().call(call, limit, limit);
    }

    /**
     * What the plugin's code threw, as the node keeps it: text, and the node's own copy of a gate
     * refusal. Call inside the plugin's call. Never throws.
     */
    static Outcome.Failed thrown(String pluginName, Throwable t) {
        try {
            if (t.getClass() == CapabilityError.class) {
                // The gate's refusal (or one the plugin made of the exact class): kept as a fresh copy
                // naming this plugin, with no cause or suppressed exceptions the plugin could have added.
                CapabilityError copy = new CapabilityError(pluginName, ((CapabilityError) t).capability());
                return new Outcome.Failed(copy.getMessage(), copy, true);
            }
            return new Outcome.Failed("threw " + PluginText.thrown(t));
        } catch (Throwable again) {
            return UNRENDERABLE;
        }
    }

    /** A handler call returned a usable result: the run of failures ends. */
    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /**
     * A handler call failed: counted (when the failure is the plugin's), and the plugin is
     * quarantined when the count reaches the threshold.
     */
    void failed(Hook hook, Outcome.Failed failure) {
        if (!failure.counts() || quarantine.get() != null) {
            return;
        }
        int n = consecutiveFailures.incrementAndGet();
        if (n < limits.quarantineAfter()) {
            return;
        }
        String reason = String.format(Locale.ROOT, "%d consecutive handler failures, the last on %s: %s", n, hook.id(), failure.detail());
        if (quarantine.compareAndSet(null, reason)) {
            LOG.warn("plugin '{}' quarantined after {}", pluginName, reason);
            Map<String, String> attrs = new TreeMap<>();
            attrs.put("failures", Integer.toString(n));
            attrs.put("hook", hook.id());
            attrs.put("error", failure.detail());
            audit.record("plugin:" + pluginName, "plugin.quarantined", attrs);
        }
    }

    /** Whether the plugin is quarantined: its handlers are no longer called. */
    public boolean quarantined() {
        return quarantine.get() != null;
    }

    /** Why the plugin is quarantined, in the node's words. */
    public Optional<String> quarantineReason() {
        return Optional.ofNullable(quarantine.get());
    }

    /** Why a quarantined plugin's handler is not called. */
    String quarantinedText() {
        return "not run: the plugin is quarantined after " + quarantine.get();
    }

    /** Whether every handler thread is stuck past its time limit (never without a handler limit). */
    public boolean handlerThreadsStuck() {
        return handlerThreads.map(PluginThreads::allStuck).orElse(false);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Constructs the plugin (its entry class's static initializer and constructor) on its lifecycle
     * thread, under the lifecycle limit. {@code construction} is the loader's: it throws what
     * {@code ServiceLoader} makes of the plugin's failure.
     */
    public Constructed construct(Callable<Plugin> construction) {
        Outcome o = lifecycle(() -> {
            Plugin p;
            try {
                p = construction.call();
            } catch (Throwable t) {
                return constructionFailure(t);
            }
            classLoader(p.getClass().getClassLoader()); // Object#getClass: final, no plugin code
            return new Outcome.Returned(p);
        });
        if (o instanceof Outcome.Returned r) {
            return new Constructed(Optional.of((Plugin) r.value()), "");
        }
        Outcome.Failed f = (Outcome.Failed) o;
        String detail = f.detail().startsWith("did not return")
                ? "its static initializer and constructor " + f.detail() + " (the lifecycle time limit; its thread was interrupted)"
                : f.detail();
        return new Constructed(Optional.empty(), detail);
    }

    /** ServiceLoader wraps what the constructor or the initializer threw; only the JDK's own wrappers are opened. */
    private Outcome.Failed constructionFailure(Throwable t) {
        try {
            Throwable cause = t;
            if (cause.getClass() == ServiceConfigurationError.class && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause.getClass() == ExceptionInInitializerError.class && cause.getCause() != null) {
                return new Outcome.Failed("its static initializer threw " + PluginText.thrown(cause.getCause()));
            }
            return new Outcome.Failed((cause == t ? "its construction threw " : "its constructor threw ") + PluginText.thrown(cause));
        } catch (Throwable again) {
            return UNRENDERABLE;
        }
    }

    /**
     * Calls {@code start} on the plugin's lifecycle thread, under the lifecycle limit.
     *
     * @return why it failed, in the node's words; empty when it returned
     */
    public Optional<String> start(Plugin plugin, PluginContext context) {
        return failure("start", lifecycle(plugin, () -> {
            try {
                plugin.start(context);
                return new Outcome.Returned(null);
            } catch (Throwable t) {
                return thrown(pluginName, t);
            }
        }));
    }

    /**
     * Calls {@code stop} on the plugin's lifecycle thread, under the lifecycle limit.
     *
     * @return why it failed, in the node's words; empty when it returned
     */
    public Optional<String> stop(Plugin plugin) {
        return failure("stop", lifecycle(plugin, () -> {
            try {
                plugin.stop();
                return new Outcome.Returned(null);
            } catch (Throwable t) {
                return thrown(pluginName, t);
            }
        }));
    }

    /**
     * The plugin's health: {@code unhealthy} with the node's reason, without asking the plugin, when
     * it is quarantined or all its handler threads are stuck; else its answer to {@code health()},
     * polled on its lifecycle thread under the lifecycle limit (a failure, a time-out or a
     * {@code null} is {@code unhealthy} or {@code unknown}, never thrown). The message is bounded and escaped.
     */
    public Health health(Plugin plugin) {
        String q = quarantine.get();
        if (q != null) {
            return Health.unhealthy("quarantined after " + q);
        }
        if (handlerThreadsStuck()) {
            return Health.unhealthy(handlerThreads.get().allStuckText(limits.handlerTimeout().orElseThrow()).substring("not run: ".length()));
        }
        Outcome o = lifecycle(plugin, () -> {
            try {
                Health h = plugin.health();
                // Health is a final record of an enum and a String: reading it runs no plugin code.
                return new Outcome.Returned(h == null ? Health.unknown() : new Health(h.status(), PluginText.bounded(h.message())));
            } catch (Throwable t) {
                return thrown(pluginName, t);
            }
        });
        if (o instanceof Outcome.Returned r) {
            return (Health) r.value();
        }
        return Health.unhealthy("health check " + ((Outcome.Failed) o).detail());
    }

    private Outcome lifecycle(Supplier<Outcome> call) {
        return lifecycleThreads.call(call, limits.lifecycleTimeout(), limits.lifecycleTimeout());
    }

    /** A lifecycle call with the plugin's own class loader as the thread's context loader (as the loader does for construction). */
    private Outcome lifecycle(Plugin plugin, Supplier<Outcome> call) {
        ClassLoader pluginLoader = plugin.getClass().getClassLoader(); // Object#getClass: final, no plugin code
        return lifecycle(() -> {
            Thread.currentThread().setContextClassLoader(pluginLoader);
            return call.get();
        });
    }

    private static Optional<String> failure(String what, Outcome o) {
        if (o instanceof Outcome.Failed f) {
            return Optional.of(f.detail().startsWith("did not return")
                    ? what + "() " + f.detail() + " (the lifecycle time limit; its thread was interrupted)"
                    : f.detail());
        }
        return Optional.empty();
    }

    /** Refuses further calls and interrupts the plugin's threads (those stuck in its code run on until they return). */
    @Override
    public void close() {
        handlerThreads.ifPresent(PluginThreads::close);
        lifecycleThreads.close();
    }
}
