package dev.stigmem.node.internal.hook;

import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.HookHandler;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.HandlerInfo;
import dev.stigmem.node.HookDispatch;
import dev.stigmem.node.internal.audit.AuditSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's hook registry: handlers registered at startup, then frozen, then dispatched with the
 * semantic and ordering of each {@link Hook}.
 *
 * <p>Ordering: within the core and the plugin partitions handlers run by handler name; the hook's
 * {@link Hook.Ordering} decides which partition runs first ({@code core_first} and
 * {@code core_only_default}: core, then plugins; {@code plugins_first}: plugins, then core;
 * {@code plugin_only}: plugins, and registering a core handler is refused).
 *
 * <p>Failures of plugin handlers (an exception, {@link CapabilityError} included, a {@code null}
 * vote, filter value or score map, a handler over its time limit) become
 * {@link PluginExecutionError} naming plugin, handler and hook. Voting, filter and score hooks
 * surface them; fire-and-forget hooks log and audit them and go on, except the strict audit hooks,
 * which run every handler and then surface the first failure. Core handlers are the node's own
 * code: their exceptions propagate unchanged.
 *
 * <p>Time limits: Java cannot stop a thread. With a limit set, each plugin's handlers run on that
 * plugin's own small pool; a call over time fails, its thread is interrupted and stays counted
 * against the plugin until it returns, so a plugin that hangs exhausts only its own pool, after
 * which its calls fail at once. Without a limit, handlers run on the caller's thread.
 *
 * <p>Thread-safe once frozen; the dispatch path allocates nothing beyond what handlers return.
 */
public final class HookRegistry implements HookDispatch, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HookRegistry.class);

    /** The longest per-handler time limit the node accepts (reference implementation). */
    public static final Duration MAX_HANDLER_TIMEOUT = Duration.ofSeconds(30);

    /** Threads per plugin when time limits are on; also the bound on its stuck handlers. */
    static final int THREADS_PER_PLUGIN = 4;

    /** One registered handler. */
    record Entry(Hook hook, boolean core, String pluginName, String handlerName, PluginContext context,
                 HandlerInvoker invoker, Optional<ExecutorService> pool) {
    }

    private final Entry[][] byHook;
    private final AuditSink audit;
    private final Optional<Duration> timeout;
    private final List<ExecutorService> pools;
    private volatile boolean closed;

    private HookRegistry(Entry[][] byHook, AuditSink audit, Optional<Duration> timeout, List<ExecutorService> pools) {
        this.byHook = byHook;
        this.audit = audit;
        this.timeout = timeout;
        this.pools = pools;
    }

    public static Builder builder(AuditSink audit) {
        return new Builder(audit);
    }

    /** The handlers of a hook in dispatch order. */
    @Override
    public List<HandlerInfo> handlers(Hook hook) {
        List<HandlerInfo> out = new ArrayList<>();
        for (Entry e : byHook[hook.ordinal()]) {
            out.add(new HandlerInfo(e.hook, e.core, e.pluginName, e.handlerName));
        }
        return List.copyOf(out);
    }

    /**
     * Runs a voting hook: the first {@link Vote.Deny} wins and stops the vote.
     *
     * @throws PluginExecutionError if a plugin handler fails or returns {@code null}
     */
    @Override
    public Vote vote(Hook hook, Object payload) {
        Entry[] entries = entries(hook, Hook.Semantic.VOTING, payload);
        for (Entry e : entries) {
            Object result = call(e, payload);
            if (result == null) {
                throw failed(e, "returned null instead of a Vote", null);
            }
            if (result instanceof Vote.Deny deny) {
                audit.record(actor(e), "hook.denied", Map.of("hook", hook.id(), "handler", e.handlerName, "reason", deny.reason()));
                return deny;
            }
        }
        return Vote.allow();
    }

    /**
     * Runs a filter chain: each handler receives the value the previous one returned.
     *
     * @throws PluginExecutionError if a plugin handler fails or returns {@code null}
     */
    @SuppressWarnings("unchecked") // the handler method returns the payload type, checked on entry
    @Override
    public <T> T filter(Hook hook, T value) {
        Entry[] entries = entries(hook, Hook.Semantic.FILTER_CHAIN, value);
        T current = value;
        for (Entry e : entries) {
            Object result = call(e, current);
            if (result == null) {
                throw failed(e, "returned null instead of a value", null);
            }
            current = (T) result;
        }
        return current;
    }

    /**
     * Runs a score-delta hook: deltas by id, summed over handlers in dispatch order (so the
     * floating-point sum is the same on every run). The map is unmodifiable; its iteration order
     * is unspecified.
     *
     * @throws PluginExecutionError if a plugin handler fails, returns {@code null}, a null key or a
     *                              non-finite delta
     */
    @Override
    public Map<String, Double> scores(Hook hook, Object payload) {
        Entry[] entries = entries(hook, Hook.Semantic.SCORE_DELTA, payload);
        if (entries.length == 0) {
            return Map.of();
        }
        HashMap<String, Double> sum = new HashMap<>();
        for (Entry e : entries) {
            Object result = call(e, payload);
            if (!(result instanceof Map<?, ?> deltas)) {
                throw failed(e, "returned null instead of score deltas", null);
            }
            for (Map.Entry<?, ?> d : deltas.entrySet()) {
                if (!(d.getKey() instanceof String id) || !(d.getValue() instanceof Double delta) || !Double.isFinite(delta)) {
                    throw failed(e, "returned a score delta that is not a finite number keyed by id: " + d.getKey(), null);
                }
                sum.merge(id, delta, Double::sum);
            }
        }
        return Collections.unmodifiableMap(sum);
    }

    /**
     * Runs a fire-and-forget hook. Plugin failures are logged and audited; on a strict hook every
     * handler still runs and then the first failure is thrown.
     *
     * @throws PluginExecutionError on a strict hook, if a plugin handler failed
     */
    @Override
    public void fire(Hook hook, Object payload) {
        Entry[] entries = entries(hook, Hook.Semantic.FIRE_AND_FORGET, payload);
        PluginExecutionError first = null;
        for (Entry e : entries) {
            try {
                call(e, payload);
            } catch (PluginExecutionError failure) {
                if (!hook.strict()) {
                    LOG.warn("{} (hook site goes on)", failure.getMessage());
                    continue;
                }
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Entry[] entries(Hook hook, Hook.Semantic semantic, Object payload) {
        if (closed) {
            throw new IllegalStateException("the hook registry is closed: the node has stopped");
        }
        if (hook.semantic() != semantic) {
            throw new IllegalArgumentException("hook " + hook.id() + " is " + hook.semantic() + ", not " + semantic);
        }
        Class<?> payloadType = HandlerInvoker.payloadType(hook);
        if (!payloadType.isInstance(payload)) {
            throw new IllegalArgumentException("hook " + hook.id() + " takes a " + payloadType.getSimpleName()
                    + ", not " + (payload == null ? "null" : payload.getClass().getName()));
        }
        return byHook[hook.ordinal()];
    }

    private Object call(Entry e, Object payload) {
        if (e.core) {
            return callCore(e, payload);
        }
        try {
            if (e.pool.isEmpty()) {
                return e.invoker.invoke(e.context, payload);
            }
            return callWithTimeout(e, payload, e.pool.get());
        } catch (PluginExecutionError already) {
            throw already;
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
                throw vme; // out of memory and the like are the JVM's, not the plugin's, to report
            }
            String detail = t instanceof CapabilityError ? t.getMessage() : "threw " + t;
            throw failed(e, detail, t);
        }
    }

    private Object callWithTimeout(Entry e, Object payload, ExecutorService pool) throws Throwable {
        Future<Object> f;
        try {
            f = pool.submit(() -> {
                try {
                    return e.invoker.invoke(e.context, payload);
                } catch (Exception | Error x) {
                    throw x;
                } catch (Throwable x) {
                    throw new ExecutionException(x);
                }
            });
        } catch (RejectedExecutionException full) {
            throw failed(e, "not run: the plugin's " + THREADS_PER_PLUGIN + " handler threads are busy (handlers stuck past their time limit)", null);
        }
        Duration limit = timeout.orElseThrow();
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            f.cancel(true);
            throw failed(e, String.format(Locale.ROOT, "did not return within %d ms", limit.toMillis()), null);
        } catch (ExecutionException x) {
            throw x.getCause();
        } catch (InterruptedException x) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw failed(e, "interrupted while waiting for the handler", x);
        }
    }

    private static Object callCore(Entry e, Object payload) {
        try {
            return e.invoker.invoke(e.context, payload);
        } catch (RuntimeException | Error t) {
            throw t;
        } catch (Throwable t) {
            throw new IllegalStateException("core handler " + e.handlerName + " failed on " + e.hook.id(), t);
        }
    }

    private PluginExecutionError failed(Entry e, String detail, Throwable cause) {
        if (e.core) {
            throw new IllegalStateException("core handler " + e.handlerName + " on " + e.hook.id() + ": " + detail, cause);
        }
        PluginExecutionError error = new PluginExecutionError(e.pluginName, e.handlerName, e.hook.id(), detail, cause);
        Map<String, String> attrs = new TreeMap<>();
        attrs.put("hook", e.hook.id());
        attrs.put("handler", e.handlerName);
        attrs.put("error", detail);
        if (cause instanceof CapabilityError ce) {
            // The denial itself is audited by the gate (capability.denied); this names the hook it broke.
            attrs.put("capability", ce.capabilityId());
        }
        audit.record(actor(e), "hook.handler_failed", attrs);
        return error;
    }

    private static String actor(Entry e) {
        return e.core ? "node" : "plugin:" + e.pluginName;
    }

    /** Stops the handler pools (time-limited mode); handlers still running are interrupted. */
    @Override
    public void close() {
        closed = true;
        pools.forEach(ExecutorService::shutdownNow);
    }

    /** Collects handlers at startup; {@link #freeze()} ends registration for good. */
    public static final class Builder {
        private final AuditSink audit;
        private final Map<Hook, List<Entry>> core = new EnumMap<>(Hook.class);
        private final Map<Hook, List<Entry>> plugins = new EnumMap<>(Hook.class);
        private final Map<String, ExecutorService> pools = new TreeMap<>();
        private Optional<Duration> timeout = Optional.empty();
        private boolean frozen;

        private Builder(AuditSink audit) {
            this.audit = Objects.requireNonNull(audit, "audit");
        }

        /**
         * Sets a time limit for every plugin handler call.
         *
         * @throws IllegalArgumentException if not positive or over {@link #MAX_HANDLER_TIMEOUT}
         */
        public Builder handlerTimeout(Duration limit) {
            checkOpen();
            if (limit.isNegative() || limit.isZero() || limit.compareTo(MAX_HANDLER_TIMEOUT) > 0) {
                throw new IllegalArgumentException("handler timeout must be positive and at most 30 s, was " + limit);
            }
            if (!pools.isEmpty()) {
                throw new IllegalStateException("set the handler timeout before registering plugins");
            }
            timeout = Optional.of(limit);
            return this;
        }

        /**
         * Registers a core handler for one hook.
         *
         * @throws IllegalArgumentException if the hook is {@code plugin_only} or the handler does not implement it
         */
        public Builder core(Hook hook, String handlerName, PluginContext context, HookHandler handler) {
            checkOpen();
            if (hook.ordering() == Hook.Ordering.PLUGIN_ONLY) {
                throw new IllegalArgumentException("hook " + hook.id() + " is plugin_only: the core registers no handler for it");
            }
            add(core, hook, new Entry(hook, true, "node", handlerName, context, HandlerInvoker.of(hook, handler), Optional.empty()));
            return this;
        }

        /**
         * Registers a plugin's entry object for every hook whose interface it implements.
         *
         * @return the hooks registered, in table order (the plugin's hook map)
         */
        public List<Hook> plugin(String pluginName, PluginContext context, Object entry) {
            checkOpen();
            List<Hook> hooks = Hook.handledBy(entry.getClass());
            Optional<ExecutorService> pool = timeout.map(t -> pools.computeIfAbsent(pluginName, Builder::newPool));
            for (Hook hook : hooks) {
                HandlerInvoker invoker = HandlerInvoker.of(hook, (HookHandler) entry);
                add(plugins, hook, new Entry(hook, false, pluginName, pluginName, context, invoker, pool));
            }
            audit.record("plugin:" + pluginName, "plugin.registered",
                    Map.of("hooks", String.join(",", hooks.stream().map(Hook::id).toList()),
                            "capabilities", String.join(",", context.declaredCapabilities().stream().map(Object::toString).toList())));
            return hooks;
        }

        private static ExecutorService newPool(String pluginName) {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS_PER_PLUGIN, THREADS_PER_PLUGIN, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(64), r -> {
                        Thread t = new Thread(r, "stigmem-plugin-" + pluginName + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }

        private static void add(Map<Hook, List<Entry>> into, Hook hook, Entry entry) {
            List<Entry> list = into.computeIfAbsent(hook, h -> new ArrayList<>());
            for (Entry e : list) {
                if (e.handlerName.equals(entry.handlerName)) {
                    throw new IllegalStateException("hook " + hook.id() + " already has a handler named " + entry.handlerName);
                }
            }
            list.add(entry);
        }

        private void checkOpen() {
            if (frozen) {
                throw new IllegalStateException("the hook registry is frozen: handlers register only at startup");
            }
        }

        /**
         * A registry of the handlers registered so far, for votes that must happen during startup
         * (a plugin's capability grant is voted on by the core and the plugins registered before
         * it). Registration goes on; the snapshot does not see later handlers.
         */
        public HookRegistry snapshot() {
            checkOpen();
            return build(List.of());
        }

        /** Ends registration and returns the registry; every later call on this builder is refused. */
        public HookRegistry freeze() {
            checkOpen();
            frozen = true;
            return build(List.copyOf(pools.values()));
        }

        private HookRegistry build(List<ExecutorService> ownedPools) {
            Comparator<Entry> byName = Comparator.comparing(Entry::handlerName);
            Entry[][] byHook = new Entry[Hook.values().length][];
            for (Hook hook : Hook.values()) {
                List<Entry> c = new ArrayList<>(core.getOrDefault(hook, List.of()));
                List<Entry> p = new ArrayList<>(plugins.getOrDefault(hook, List.of()));
                c.sort(byName);
                p.sort(byName);
                List<Entry> ordered = new ArrayList<>();
                if (hook.ordering() == Hook.Ordering.PLUGINS_FIRST) {
                    ordered.addAll(p);
                    ordered.addAll(c);
                } else {
                    ordered.addAll(c);
                    ordered.addAll(p);
                }
                byHook[hook.ordinal()] = ordered.toArray(Entry[]::new);
            }
            return new HookRegistry(byHook, audit, timeout, ownedPools);
        }
    }
}
