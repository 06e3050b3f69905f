package dev.stigmem.guard.internal.check;

import dev.stigmem.api.JdkAccessError;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * The guard's decisions, called from the bridge on every guarded JDK call: attribute the call to a
 * plugin by walking the stack, and refuse it when it is one.
 *
 * <p>Attribution is by the caller's module layer: each plugin has its own, registered as a
 * {@link Domain} before any of its classes is initialised. Code of the boot layer, of unnamed
 * modules and of layers the guard does not know (a host's own) is the host's and passes. The
 * guard's own frames and the bridge are skipped, then the guarded method itself, then:
 * <ul>
 *   <li>{@link GuardSite.Mode#CALLER}: reflection and method-handle frames of the JDK (a call made
 *       through {@code Method#invoke}, a method handle or a lambda form belongs to who invoked it);
 *       the next frame decides: the JDK (it called on its own account) or a plugin;</li>
 *   <li>{@link GuardSite.Mode#FIRST_OUTSIDE_JDK}: every JDK frame and dynamic proxy frame; the first other frame decides. A
 *       JDK class initialiser, class loader or {@code Module#getResourceAsStream} on the way ends the
 *       walk as the JDK's own work: the plugin caused it but cannot choose what it does (a module's
 *       resources are encapsulated by the module system), and refusing a class initialiser would leave
 *       a JDK class broken for the whole node.</li>
 * </ul>
 * Re-entrant calls (the checks themselves use the JDK) pass. Thread-safe.
 */
public final class GuardChecker {

    private static final StackWalker WALKER = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_REFLECT_FRAMES, StackWalker.Option.SHOW_HIDDEN_FRAMES));
    // Frames that only carry a call made elsewhere: reflection and method-handle invocation. Not the rest
    // of java.lang.invoke: the lambda metafactory, string concatenation and call-site linkage are the
    // JDK acting on its own account (it may use Lookups a plugin may not).
    private static final Set<String> REFLECTION_PACKAGES = Set.of("jdk.internal.reflect", "java.lang.reflect");
    private static final Set<String> INVOCATION_CLASSES = Set.of("java.lang.invoke.MethodHandle",
            "java.lang.invoke.MethodHandleImpl", "java.lang.invoke.Invokers", "java.lang.invoke.DirectMethodHandle",
            "java.lang.invoke.DelegatingMethodHandle", "java.lang.invoke.BoundMethodHandle", "java.lang.invoke.LambdaForm",
            "java.lang.invoke.VarHandle");
    private static final String BRIDGE_PACKAGE = "dev.stigmem.guard.bridge";
    private static final String CHECK_PACKAGE = GuardChecker.class.getPackageName();

    private final SiteTable sites;
    private final Set<Module> jdkModules;
    private final ModuleLayer bootLayer = ModuleLayer.boot();
    private volatile Set<String> readableKeys;
    private volatile Map<ModuleLayer, Domain> live = Map.of();
    private final Map<ModuleLayer, Domain> retired = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile boolean anyDomain;
    private final ThreadLocal<boolean[]> busy = ThreadLocal.withInitial(() -> new boolean[1]);

    public GuardChecker(SiteTable sites, Set<String> readableKeys) {
        this.sites = sites;
        this.readableKeys = Set.copyOf(readableKeys);
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        Set<Module> jdk = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : bootLayer.modules()) {
            ClassLoader l = m.getClassLoader();
            if (l == null || l == platform) {
                jdk.add(m);
            }
        }
        this.jdkModules = Collections.unmodifiableSet(jdk);
    }

    /** Adds readable property keys (an extended policy). */
    public synchronized void addReadableKeys(Set<String> keys) {
        java.util.HashSet<String> all = new java.util.HashSet<>(readableKeys);
        all.addAll(keys);
        readableKeys = Set.copyOf(all);
    }

    /** A guarded member was called. */
    public void check(int index) {
        if (!anyDomain) {
            return;
        }
        boolean[] b = busy.get();
        if (b[0]) {
            return;
        }
        b[0] = true;
        try {
            GuardSite site = sites.get(index);
            Domain d = attribute(site.mode(), true);
            if (d != null) {
                throw d.refuse(site.member(), site.ruleId(), site.reason());
            }
        } finally {
            b[0] = false;
        }
    }

    /** A guarded property reader was called with {@code key}. */
    public void checkKey(Object key, int index) {
        if (key instanceof String k && readableKeys.contains(k)) {
            return;
        }
        check(index);
    }

    /**
     * A guarded object of the guard's own (not a JDK method) is used, such as the node's standard
     * input ({@link GuardedStandardInput}): refused when the first caller outside the JDK and the
     * guard is plugin code.
     */
    public void checkUse(GuardSite use) {
        onPluginCaller(false, use, (d, site) -> {
            throw d.refuse(site.member(), site.ruleId(), site.reason());
        });
    }

    /** A thread is about to start: if for a plugin, it becomes the plugin's (bounded). */
    public void threadStarting(Thread thread) {
        onPluginCaller(true, thread, Domain::adopt);
    }

    /**
     * Runs {@code act} when the first caller outside the JDK is a plugin's, not re-entrantly (what
     * {@code act} does with the JDK is not checked again). The argument is passed through so that
     * {@code act} captures nothing: no allocation per call.
     *
     * @param siteFrame whether a guarded JDK method's own frame follows the guard's
     */
    private <T> void onPluginCaller(boolean siteFrame, T arg, java.util.function.BiConsumer<Domain, T> act) {
        if (!anyDomain) {
            return;
        }
        boolean[] b = busy.get();
        if (b[0]) {
            return;
        }
        b[0] = true;
        try {
            Domain d = attribute(GuardSite.Mode.FIRST_OUTSIDE_JDK, siteFrame);
            if (d != null) {
                act.accept(d, arg);
            }
        } finally {
            b[0] = false;
        }
    }

    /** Registers a plugin's layers (its own, and those the host defined for it: one domain). */
    public synchronized Domain enclose(java.util.List<ModuleLayer> layers, String pluginName, int threadLimit, Consumer<Refusal> onRefusal) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layer of plugin '" + pluginName + "' to enclose");
        }
        for (ModuleLayer layer : layers) {
            if (layer == bootLayer || live.containsKey(layer) || layers.indexOf(layer) != layers.lastIndexOf(layer)) {
                throw new IllegalArgumentException("a layer of plugin '" + pluginName + "' is the boot layer or already enclosed");
            }
        }
        Domain d = new Domain(pluginName, threadLimit, onRefusal, this, layers);
        Map<ModuleLayer, Domain> next = new IdentityHashMap<>(live);
        layers.forEach(layer -> next.put(layer, d));
        live = Collections.unmodifiableMap(next);
        anyDomain = true;
        return d;
    }

    /** Moves a stopped plugin's layers to the weakly held retired domains (their code stays refused). */
    synchronized void retire(java.util.List<ModuleLayer> layers, Domain d) {
        Map<ModuleLayer, Domain> next = new IdentityHashMap<>(live);
        for (ModuleLayer layer : layers) {
            if (next.remove(layer) != null) {
                retired.put(layer, d);
            }
        }
        live = Collections.unmodifiableMap(next);
    }

    /** The domain whose code made the current call, or {@code null} for the host and the JDK. */
    /** @param siteFrame whether a guarded JDK method's own frame follows the guard's (not for {@link #checkUse}) */
    private Domain attribute(GuardSite.Mode mode, boolean siteFrame) {
        return WALKER.walk(frames -> {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            boolean site = !siteFrame;
            while (it.hasNext()) {
                StackWalker.StackFrame f = it.next();
                Class<?> k = f.getDeclaringClass();
                if (!site) {
                    // the guard's frames, then one frame: the guarded JDK method itself
                    if (!isGuard(k)) {
                        site = true;
                    }
                    continue;
                }
                boolean jdk = jdkModules.contains(k.getModule());
                if (mode == GuardSite.Mode.CALLER) {
                    if (jdk && isTrampoline(k)) {
                        continue;
                    }
                    return jdk ? null : domainOf(k);
                }
                if (jdk) {
                    if (f.getMethodName().equals("<clinit>") || isClassLoading(k)
                            || ((k == Module.class || k == Class.class) && f.getMethodName().equals("getResourceAsStream"))) {
                        return null;
                    }
                    continue;
                }
                // A dynamic proxy's method only hands the call to its InvocationHandler: who called the
                // proxy decides. (java.beans.EventHandler makes proxies defined to the thread's context
                // loader, in no layer, which would otherwise pass as the host's.)
                if (isGuard(k) || java.lang.reflect.Proxy.isProxyClass(k)) {
                    continue;
                }
                return domainOf(k);
            }
            return null;
        });
    }

    private boolean isGuard(Class<?> k) {
        String p = k.getPackageName();
        return p.equals(CHECK_PACKAGE) || p.equals(BRIDGE_PACKAGE);
    }

    private static boolean isTrampoline(Class<?> k) {
        if (k.isHidden() || REFLECTION_PACKAGES.contains(k.getPackageName())) {
            return true;
        }
        String n = k.getName();
        int nested = n.indexOf('$');
        return INVOCATION_CLASSES.contains(nested < 0 ? n : n.substring(0, nested));
    }

    /** Class loading, and a module reading its own resources (encapsulation is the module system's). */
    private static boolean isClassLoading(Class<?> k) {
        return k == ClassLoader.class || k.getPackageName().equals("jdk.internal.loader");
    }

    private Domain domainOf(Class<?> k) {
        ModuleLayer layer = k.getModule().getLayer();
        if (layer == null || layer == bootLayer) {
            return null;
        }
        Domain d = live.get(layer);
        return d != null ? d : retired.get(layer);
    }

    /** What a refusal tells the host. */
    public record Refusal(String pluginName, String member, String ruleId, String reason) {
    }

    /** One plugin's layer: its refusals and its threads. */
    public static final class Domain {
        private final String pluginName;
        private final int threadLimit;
        private final Consumer<Refusal> onRefusal;
        private final GuardChecker checker;
        private final java.util.List<java.lang.ref.WeakReference<ModuleLayer>> layers;
        private final java.util.List<java.lang.ref.WeakReference<Thread>> threads = new java.util.ArrayList<>();
        private volatile boolean stopped;

        private Domain(String pluginName, int threadLimit, Consumer<Refusal> onRefusal, GuardChecker checker,
                       java.util.List<ModuleLayer> layers) {
            this.pluginName = pluginName;
            this.threadLimit = threadLimit;
            this.onRefusal = onRefusal;
            this.checker = checker;
            this.layers = layers.stream().map(java.lang.ref.WeakReference::new).toList();
        }

        public String pluginName() {
            return pluginName;
        }

        JdkAccessError refuse(String member, String ruleId, String reason) {
            try {
                onRefusal.accept(new Refusal(pluginName, member, ruleId, reason));
            } catch (RuntimeException ignored) {
                // the host's listener must not turn a refusal into another failure; the refusal stands
            }
            return new JdkAccessError(pluginName, member, ruleId, reason);
        }

        synchronized void adopt(Thread t) {
            if (stopped) {
                throw refuse("java.lang.Thread#start", "thread.create", "the plugin has been stopped; it may start no thread");
            }
            prune();
            if (threads.size() >= threadLimit) {
                throw refuse("java.lang.Thread#start", "thread.create", "a plugin may run at most " + threadLimit
                        + " threads of its own at once (the node bounds them and interrupts them when the plugin stops)");
            }
            threads.add(new java.lang.ref.WeakReference<>(t));
        }

        // By identity, and only final Thread methods: a plugin's Thread subclass runs no code here.
        private void prune() {
            threads.removeIf(r -> {
                Thread x = r.get();
                return x == null || (!x.isAlive() && x.getState() == Thread.State.TERMINATED);
            });
        }

        /** The plugin's threads still alive (or not yet started). */
        public synchronized int liveThreads() {
            prune();
            return threads.size();
        }

        /**
         * Stops the plugin's threads: no new one may start, every live one is interrupted, and all get
         * until {@code graceNanos} from now to end. Returns the names of those still running (Java
         * cannot kill a thread; their guarded calls stay refused). The interrupts are sent from a
         * thread of the guard's, since a plugin's Thread subclass may override {@code interrupt()}.
         */
        public java.util.List<String> stop(long graceNanos) {
            java.util.List<Thread> running = new java.util.ArrayList<>();
            synchronized (this) {
                stopped = true;
                prune();
                for (java.lang.ref.WeakReference<Thread> r : threads) {
                    Thread x = r.get();
                    if (x != null) {
                        running.add(x);
                    }
                }
            }
            long deadline = System.nanoTime() + graceNanos;
            if (!running.isEmpty()) {
                Thread stopper = new Thread(() -> running.forEach(Thread::interrupt), "stigmem-guard-stop-" + pluginName);
                stopper.setDaemon(true);
                stopper.start();
                for (Thread t : running) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        t.join(Math.max(1, wait / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            java.util.List<String> left = new java.util.ArrayList<>();
            for (Thread t : running) {
                if (t.isAlive()) {
                    left.add(t.getName());
                }
            }
            java.util.List<ModuleLayer> held = new java.util.ArrayList<>();
            for (java.lang.ref.WeakReference<ModuleLayer> r : layers) {
                ModuleLayer l = r.get();
                if (l != null) {
                    held.add(l);
                }
            }
            checker.retire(held, this);
            java.util.Collections.sort(left);
            return java.util.List.copyOf(left);
        }

        public boolean stopped() {
            return stopped;
        }
    }
}
