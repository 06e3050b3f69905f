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
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValueException;
import dev.stigmem.node.internal.untrusted.PluginValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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
 * <p>Failures of plugin handlers (an exception or error of any kind, {@link CapabilityError} and the
 * JVM's {@link VirtualMachineError}s included, a {@code null} or unusable vote, filter value or score
 * map, a handler over its time limit or not run because all the plugin's threads are stuck) become
 * {@link PluginExecutionError} naming plugin, handler and hook. Voting, filter and score hooks
 * surface them; fire-and-forget hooks log and audit them and go on, except the strict audit hooks,
 * which run every handler and then surface the first failure. Core handlers are the node's own
 * code: their exceptions propagate unchanged.
 *
 * <p>Quarantine ({@link PluginCalls}): once a plugin is quarantined its handlers are not called.
 * Where the hook surfaces failures and its answer guards something (voting, filter chains, the
 * strict audit hooks) the hook site fails closed at once, as that handler's failure saying the
 * plugin is quarantined (audited like any failure): a vote it cannot give is not an allow, a filter
 * it cannot apply is not passed over, an audit it cannot take is not skipped. Where nothing is
 * guarded by its answer the handler is skipped: score deltas (they only reorder hits that were
 * already authorized and filtered) and non-strict fire-and-forget hooks (whose failures the site
 * already goes past).
 *
 * <p>No plugin code runs on the caller's thread after a handler's call, nor under a node lock:
 * inside the call (on the plugin's handler thread and within the time limit, when one is set) the
 * result is copied and checked into values of the node's own making ({@link PluginValues}: a deny
 * reason bounded and escaped, a filter value rebuilt of final api and JDK types, score deltas read
 * once), and an exception is rendered to bounded, escaped text ({@link PluginText#thrown}). What
 * the node keeps is that copy and that text: a {@link PluginExecutionError} carries no cause of
 * the plugin's (only the node's own copy of a gate refusal). An exception that escapes a handler
 * from a nested call (an assert a handler made failed or was denied) is that handler's failure
 * too, rendered the same way; the nested failure was audited where it happened.
 *
 * <p>Time limits: with a handler time limit, each plugin's handlers run on that plugin's own
 * threads ({@link PluginCalls}, {@link PluginThreads}); the limit counts from the moment a handler
 * starts, not from when its call was queued; a call over time fails and its thread, interrupted,
 * stays counted against the plugin until it returns, so a plugin that hangs exhausts only its own
 * threads, after which its calls fail at once saying so. Without a limit, handlers run on the
 * caller's thread, and so do the copy and the rendering: they are part of the handler's call.
 *
 * <p>Bounds on what a handler hands back: see {@link PluginValues}; a {@code recall_filter} returns
 * at most the limit of the recall it filters, and the recall's request stays the node's.
 *
 * <p>Thread-safe once frozen.
 */
public final class HookRegistry implements HookDispatch, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HookRegistry.class);

    /** The longest per-handler time limit the node accepts (reference implementation). */
    public static final Duration MAX_HANDLER_TIMEOUT = PluginCalls.MAX_HANDLER_TIMEOUT;

    /** What a skipped handler (of a quarantined plugin, where skipping is its hook's rule) leaves. */
    private static final Object SKIPPED = new Object();

    /** One registered handler; {@code calls} is {@code null} for a core handler. */
    record Entry(Hook hook, boolean core, String pluginName, String handlerName, PluginContext context,
                 HandlerInvoker invoker, PluginCalls calls) {
    }

    // Replaced as a whole, only while the node starts (withdraw); read without a lock.
    private volatile Entry[][] byHook;
    private final AuditSink audit;
    private final Map<String, PluginCalls> calls;
    private final boolean ownsCalls;
    private volatile boolean serving;
    private volatile boolean closed;

    private HookRegistry(Entry[][] byHook, AuditSink audit, Map<String, PluginCalls> calls, boolean ownsCalls) {
        this.byHook = byHook;
        this.audit = audit;
        this.calls = calls;
        this.ownsCalls = ownsCalls;
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

    /** The calls of a registered plugin (its time limits, health and quarantine). */
    public Optional<PluginCalls> calls(String pluginName) {
        return Optional.ofNullable(calls.get(pluginName));
    }

    /**
     * Removes every handler of a plugin that failed to start, while the node starts without the
     * plugins that fail (skip-rejected). Refused once {@link #serving()} was called: the registry
     * of a serving node never changes.
     */
    public void withdraw(String pluginName) {
        if (serving) {
            throw new IllegalStateException("the node is serving: its hook registry no longer changes");
        }
        Entry[][] now = byHook;
        Entry[][] next = new Entry[now.length][];
        for (int i = 0; i < now.length; i++) {
            next[i] = java.util.Arrays.stream(now[i]).filter(e -> e.core || !e.pluginName.equals(pluginName)).toArray(Entry[]::new);
        }
        byHook = next;
        PluginCalls withdrawn = calls.get(pluginName);
        if (withdrawn != null) {
            withdrawn.close();
        }
    }

    /** The node started: from now on no handler is withdrawn. */
    public void serving() {
        serving = true;
    }

    /**
     * Runs a voting hook: the first {@link Vote.Deny} wins and stops the vote. A plugin's deny is
     * returned (and audited) with its reason bounded and escaped ({@link PluginText}).
     *
     * @throws PluginExecutionError if a plugin handler fails, returns {@code null} or something else than a Vote
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
     * Runs a filter chain: each handler receives the value the previous one returned (a plugin's
     * value as the node's checked copy, see {@link PluginValues}).
     *
     * @throws PluginExecutionError if a plugin handler fails or returns {@code null} or an unusable value
     */
    @SuppressWarnings("unchecked") // the handler method returns the payload type, checked on entry and in the copy
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
            if (result == SKIPPED) {
                continue;
            }
            if (!(result instanceof Map<?, ?> deltas)) {
                throw failed(e, "returned null instead of score deltas", null);
            }
            for (Map.Entry<?, ?> d : deltas.entrySet()) {
                // The node's own copy (PluginValues.scoreDeltas) or a core handler's map.
                if (!(d.getKey() instanceof String id) || !(d.getValue() instanceof Double delta) || !Double.isFinite(delta)) {
                    throw failed(e, "returned a score delta that is not a finite number keyed by id", null);
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
        PluginCalls c = e.calls;
        if (c.quarantined()) {
            if (skippedWhenQuarantined(e.hook)) {
                return SKIPPED;
            }
            throw failed(e, c.quarantinedText(), null);
        }
        Outcome outcome = c.handler(() -> run(e, payload));
        if (outcome instanceof Outcome.Returned r) {
            c.succeeded();
            return r.value();
        }
        Outcome.Failed f = (Outcome.Failed) outcome;
        PluginExecutionError error = failed(e, f.detail(), f.capability());
        c.failed(e.hook, f);
        throw error;
    }

    /**
     * Whether a quarantined plugin's handler is skipped on this hook (nothing is guarded by its
     * answer) rather than failing the hook site closed.
     */
    static boolean skippedWhenQuarantined(Hook hook) {
        return hook.semantic() == Hook.Semantic.SCORE_DELTA
                || (hook.semantic() == Hook.Semantic.FIRE_AND_FORGET && !hook.strict());
    }

    /**
     * The handler's call: invokes it, then copies and checks what it returned, or renders what it
     * threw, all on the thread that ran the handler and within its time limit. Never throws: every
     * {@link Throwable}, the JVM's errors included, is the handler's failure.
     */
    private static Outcome run(Entry e, Object payload) {
        Object result;
        try {
            result = e.invoker.invoke(e.context, payload);
        } catch (Throwable t) {
            return PluginCalls.thrown(e.pluginName, t);
        }
        try {
            return new Outcome.Returned(accept(e.hook, result, payload));
        } catch (PluginValueException refused) {
            return new Outcome.Failed(refused.getMessage()); // the node's text (exact class: final, not exported)
        } catch (Throwable t) {
            // The plugin's code failed while its value was read (an iterator, an entry, ...).
            Outcome.Failed f = PluginCalls.thrown(e.pluginName, t);
            return new Outcome.Failed("returned a value that could not be read: " + f.detail());
        }
    }

    /** What the node keeps of a handler's result, by semantic. */
    private static Object accept(Hook hook, Object result, Object payload) {
        return switch (hook.semantic()) {
            case VOTING -> PluginValues.vote(result);
            case FILTER_CHAIN -> hook == Hook.RECALL_FILTER
                    ? PluginValues.filteredRecall((dev.stigmem.api.hook.RecallResults) payload, result)
                    : PluginValues.hookValue(HandlerInvoker.payloadType(hook), result);
            case SCORE_DELTA -> PluginValues.scoreDeltas(result);
            case FIRE_AND_FORGET -> null; // returns nothing; whatever hostile bytecode returned is not read
        };
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

    /**
     * Audits a plugin handler's failure and returns it as the exception to throw. {@code detail} is
     * the node's text (plugin parts already bounded and escaped); {@code capability}, the node's copy
     * of a gate refusal, is the only cause ever attached.
     */
    private PluginExecutionError failed(Entry e, String detail, CapabilityError capability) {
        if (e.core) {
            throw new IllegalStateException("core handler " + e.handlerName + " on " + e.hook.id() + ": " + detail);
        }
        PluginExecutionError error = new PluginExecutionError(e.pluginName, e.handlerName, e.hook.id(), detail, capability);
        Map<String, String> attrs = new TreeMap<>();
        attrs.put("hook", e.hook.id());
        attrs.put("handler", e.handlerName);
        attrs.put("error", detail);
        if (capability != null) {
            // The denial itself is audited by the gate (capability.denied); this names the hook it broke.
            attrs.put("capability", capability.capabilityId());
        }
        audit.record(actor(e), "hook.handler_failed", attrs);
        return error;
    }

    private static String actor(Entry e) {
        return e.core ? "node" : "plugin:" + e.pluginName;
    }

    /**
     * Refuses every later hook call and, for a registry that owns them (the frozen one), closes the
     * plugins' calls: their threads are interrupted and stop serving.
     */
    @Override
    public void close() {
        closed = true;
        if (ownsCalls) {
            calls.values().forEach(PluginCalls::close);
        }
    }

    /** Collects handlers at startup; {@link #freeze()} ends registration for good. */
    public static final class Builder {
        private final AuditSink audit;
        private final Map<Hook, List<Entry>> core = new EnumMap<>(Hook.class);
        private final Map<Hook, List<Entry>> plugins = new EnumMap<>(Hook.class);
        private final Map<String, PluginCalls> calls = new TreeMap<>();
        private PluginCalls.Limits limits = PluginCalls.Limits.defaults();
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
            return limits(limits.withHandlerTimeout(limit));
        }

        /** The limits of the calls made for plugins registered with {@link #plugin(String, PluginContext, Object)}. */
        public Builder limits(PluginCalls.Limits limits) {
            checkOpen();
            if (!calls.isEmpty()) {
                throw new IllegalStateException("set the limits before registering plugins");
            }
            this.limits = Objects.requireNonNull(limits, "limits");
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
            add(core, hook, new Entry(hook, true, "node", handlerName, context, HandlerInvoker.of(hook, handler), null));
            return this;
        }

        /**
         * Registers a plugin's entry object for every hook whose interface it implements.
         *
         * @return the hooks registered, in table order (the plugin's hook map)
         */
        public List<Hook> plugin(String pluginName, PluginContext context, Object entry) {
            return plugin(pluginName, context, entry, new PluginCalls(pluginName, limits, audit));
        }

        /**
         * Registers a plugin's entry object for every hook whose interface it implements, its
         * handlers called through {@code calls} (which the frozen registry closes).
         *
         * @return the hooks registered, in table order (the plugin's hook map)
         */
        public List<Hook> plugin(String pluginName, PluginContext context, Object entry, PluginCalls calls) {
            checkOpen();
            if (!calls.pluginName().equals(pluginName)) {
                throw new IllegalArgumentException("the calls of plugin '" + calls.pluginName() + "' given for '" + pluginName + "'");
            }
            if (this.calls.putIfAbsent(pluginName, calls) != null) {
                throw new IllegalStateException("plugin '" + pluginName + "' is already registered");
            }
            calls.classLoader(entry.getClass().getClassLoader()); // Object#getClass: final, no plugin code
            List<Hook> hooks = Hook.handledBy(entry.getClass());
            for (Hook hook : hooks) {
                HandlerInvoker invoker = HandlerInvoker.of(hook, (HookHandler) entry);
                add(plugins, hook, new Entry(hook, false, pluginName, pluginName, context, invoker, calls));
            }
            audit.record("plugin:" + pluginName, "plugin.registered",
                    Map.of("hooks", String.join(",", hooks.stream().map(Hook::id).toList()),
                            "capabilities", String.join(",", context.declaredCapabilities().stream().map(Object::toString).toList())));
            return hooks;
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
            return build(false);
        }

        /** Ends registration and returns the registry; every later call on this builder is refused. */
        public HookRegistry freeze() {
            checkOpen();
            frozen = true;
            return build(true);
        }

        private HookRegistry build(boolean ownsCalls) {
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
            return new HookRegistry(byHook, audit, Map.copyOf(calls), ownsCalls);
        }
    }
}
