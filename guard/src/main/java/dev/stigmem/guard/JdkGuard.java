package dev.stigmem.guard;

import dev.stigmem.guard.internal.agent.JdkInstrumentation;
import dev.stigmem.guard.internal.check.BridgeChecks;
import dev.stigmem.guard.internal.check.GuardChecker;
import dev.stigmem.guard.internal.check.GuardSite;
import dev.stigmem.guard.internal.check.GuardedStandardInput;
import dev.stigmem.guard.internal.check.SiteTable;
import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.ScanPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.dynamic.loading.ClassInjector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime JDK guard of this JVM: the second line for JDK access, beside the pre-scan.
 *
 * <p>Installed once per JVM, by {@code -javaagent:stigmem-guard.jar} ({@link GuardAgent}) or by
 * {@link #install(ScanPolicy)}, which attaches to the running JVM when no agent was given. From then on
 * every JDK member named by a {@code guard-member} or {@code guard-entry} line of the scan policy
 * refuses, with {@link dev.stigmem.api.JdkAccessError}, a call made for code of a plugin layer
 * {@linkplain #enclose enclosed} here; host and JDK code are never refused. Policies only add: a
 * node's operator policy extends what is instrumented, never removes.
 *
 * <pre>{@code
 * JdkGuard.install(policy);                       // fails closed: no guard, no plugins
 * PluginDomain d = JdkGuard.enclose(layer, "my-plugin", 16, refusal -> audit(refusal));
 * ...
 * List<String> stillRunning = d.stop(Duration.ofSeconds(2));
 * }</pre>
 */
public final class JdkGuard {

    private static final Logger LOG = LoggerFactory.getLogger(JdkGuard.class);
    private static final String BRIDGE = "dev.stigmem.guard.bridge.GuardBridge";
    /** Where the build puts the bridge's class file: outside every package, so no loader maps it to this module. */
    private static final String BRIDGE_BYTES = "META-INF/stigmem-guard-bridge/dev/stigmem/guard/bridge/GuardBridge.class";

    /** A plugin's thread bound unless the host gives another. */
    public static final int DEFAULT_THREAD_LIMIT = 16;

    private static Instrumentation instrumentation;
    private static Class<?> bridge;
    private static GuardChecker checker;
    private static final SiteTable SITES = new SiteTable();
    private static final Set<PolicyRule> RULES = new HashSet<>();
    private static final List<Set<String>> INSTRUMENTED = new CopyOnWriteArrayList<>();
    private static final List<String> ERRORS = new CopyOnWriteArrayList<>();

    private JdkGuard() {
    }

    /** Whether the guard is installed in this JVM. */
    public static synchronized boolean installed() {
        return checker != null;
    }

    /**
     * Installs the guard with {@code policy} (or extends it by the policy's guard lines not yet
     * instrumented), attaching to this JVM when it was not started with {@code -javaagent}.
     *
     * @throws GuardUnavailableException if this JVM cannot be instrumented
     */
    public static synchronized void install(ScanPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (instrumentation == null) {
            Instrumentation inst;
            try {
                inst = ByteBuddyAgent.install();
            } catch (RuntimeException | LinkageError e) {
                throw new GuardUnavailableException("the runtime JDK guard cannot be installed in this JVM (" + e
                        + "); start it with -javaagent:<path to stigmem-guard.jar>, which the stigmem launcher does;"
                        + " no plugin is loaded without the guard", e);
            }
            install(inst, policy);
            return;
        }
        install(instrumentation, policy);
    }

    /** The agent's entry: installs (or extends) the guard with this instrumentation. */
    static synchronized void install(Instrumentation inst, ScanPolicy policy) {
        Objects.requireNonNull(inst, "inst");
        if (!inst.isRetransformClassesSupported()) {
            throw new GuardUnavailableException("the runtime JDK guard needs an agent that can retransform classes", null);
        }
        if (checker == null) {
            instrumentation = inst;
            bridge = injectBridge(inst);
            checker = new GuardChecker(SITES, readableKeys(policy));
            preloadProviders();
            connect(bridge, checker);
            guardStandardInput(policy, checker);
        } else {
            checker.addReadableKeys(readableKeys(policy));
        }
        List<PolicyRule> fresh = new ArrayList<>();
        for (PolicyRule r : policy.rules()) {
            if (r.kind().guarded() && RULES.add(r)) {
                fresh.add(r);
            }
        }
        if (fresh.isEmpty() && !INSTRUMENTED.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        INSTRUMENTED.add(JdkInstrumentation.install(inst, fresh, INSTRUMENTED.isEmpty(), SITES, bridge, e -> {
            ERRORS.add(e);
            LOG.warn("runtime JDK guard: cannot instrument {}", e);
        }));
        LOG.debug("runtime JDK guard: {} guard lines instrumented in {} ms", fresh.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Encloses a plugin's layer: from now on its code is refused the guarded JDK members and its
     * threads are counted. Call before any class of the layer is initialised.
     *
     * @param threadLimit how many threads of its own the plugin may run at once
     * @param onRefusal   receives each refusal on the refused thread (to audit it); must be quick and
     *                    must not throw (what it throws is ignored, the refusal stands)
     * @throws GuardUnavailableException if the guard is not installed
     * @throws IllegalArgumentException  if the layer is the boot layer or already enclosed
     */
    public static PluginDomain enclose(ModuleLayer layer, String pluginName, int threadLimit, Consumer<GuardRefusal> onRefusal) {
        return enclose(List.of(Objects.requireNonNull(layer, "layer")), pluginName, threadLimit, onRefusal);
    }

    /**
     * Encloses a plugin's layers as one domain: its own layer and any the host defined for it alone
     * (the host's copy of a library it bundled, {@code dev.stigmem.loader.ModuleSubstitute}), whose code
     * then answers to the same rules, thread bound and refusal listener. Call before any class of them
     * runs on the plugin's behalf.
     *
     * @throws IllegalArgumentException if {@code layers} is empty, or holds the boot layer, a layer twice or an enclosed one
     * @see #enclose(ModuleLayer, String, int, Consumer)
     */
    public static PluginDomain enclose(List<ModuleLayer> layers, String pluginName, int threadLimit, Consumer<GuardRefusal> onRefusal) {
        layers = List.copyOf(layers);
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(onRefusal, "onRefusal");
        if (threadLimit < 0) {
            throw new IllegalArgumentException("thread limit must not be negative, was " + threadLimit);
        }
        GuardChecker c;
        synchronized (JdkGuard.class) {
            c = checker;
        }
        if (c == null) {
            throw new GuardUnavailableException("the runtime JDK guard is not installed; no plugin is loaded without it", null);
        }
        return new PluginDomain(c.enclose(layers, pluginName, threadLimit,
                r -> onRefusal.accept(new GuardRefusal(r.pluginName(), r.member(), r.ruleId(), r.reason()))));
    }

    /** The JDK members instrumented so far, sorted (the set grows as JDK classes load). */
    public static List<String> instrumentedMembers() {
        TreeSet<String> all = new TreeSet<>();
        INSTRUMENTED.forEach(all::addAll);
        return List.copyOf(all);
    }

    /** JDK classes the agent failed to instrument (each a hole; empty on a supported JDK). */
    public static List<String> errors() {
        return List.copyOf(ERRORS);
    }

    /**
     * Puts a checked wrapper in {@code System.in}, under the rule of the policy's line for that field
     * (a field read cannot be instrumented; see {@link GuardedStandardInput}). A host that later sets
     * another standard input (System#setIn) takes this line off.
     */
    private static void guardStandardInput(ScanPolicy policy, GuardChecker checker) {
        for (PolicyRule r : policy.rules()) {
            if (r.owner().replace('/', '.').equals("java.lang.System") && r.member().equals(java.util.Optional.of("in"))
                    && r.kind().severity().equals(java.util.Optional.of(dev.stigmem.loader.scan.Severity.DENY))) {
                System.setIn(new GuardedStandardInput(System.in, checker,
                        new GuardSite("java.lang.System#in", r.ruleId(), r.reason(), GuardSite.Mode.FIRST_OUTSIDE_JDK)));
                return;
            }
        }
    }

    private static Set<String> readableKeys(ScanPolicy policy) {
        Set<String> keys = new HashSet<>();
        for (PolicyRule r : policy.rules()) {
            if (r.kind() == PolicyRule.Kind.ALLOW_PROPERTY) {
                keys.add(r.owner());
            }
        }
        return keys;
    }

    /** The bridge's bytes, from this module's own class file, defined in the boot loader. */
    private static Class<?> injectBridge(Instrumentation inst) {
        try {
            return Class.forName(BRIDGE, false, null); // a second install in one JVM (another copy of the guard)
        } catch (ClassNotFoundException expected) {
            // not injected yet
        }
        try (InputStream in = JdkGuard.class.getModule().getResourceAsStream(BRIDGE_BYTES)) {
            if (in == null) {
                throw new GuardUnavailableException("the guard's bridge class is missing from its jar", null);
            }
            byte[] bytes = in.readAllBytes();
            Path dir = Files.createTempDirectory("stigmem-guard-");
            try {
                ClassInjector.UsingInstrumentation.of(dir.toFile(), ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, inst)
                        .injectRaw(Map.of(BRIDGE, bytes));
            } finally {
                // Removed now, not at exit: a JVM killed or halted runs no exit hook, and left one directory per
                // start in the temp directory. The boot loader holds the jar open, which POSIX systems allow to
                // be deleted (ByteBuddy deletes it already); where one cannot be, it goes at exit.
                removeNowOrAtExit(dir);
            }
            return Class.forName(BRIDGE, false, null);
        } catch (IOException | ClassNotFoundException e) {
            throw new GuardUnavailableException("cannot install the guard's bridge in the boot loader: " + e, e);
        }
    }

    /** Deletes the directory and its files, or what cannot be deleted now at exit. */
    private static void removeNowOrAtExit(Path dir) {
        java.io.File d = dir.toFile();
        java.io.File[] files = d.listFiles();
        List<java.io.File> kept = new ArrayList<>();
        for (java.io.File f : files == null ? new java.io.File[0] : files) {
            if (!f.delete()) {
                kept.add(f);
            }
        }
        if (kept.isEmpty() && d.delete()) {
            return;
        }
        // The directory first: the JDK deletes in the reverse order of registration, so its files go before it.
        d.deleteOnExit();
        kept.forEach(java.io.File::deleteOnExit);
    }

    private static void connect(Class<?> bridgeClass, GuardChecker c) {
        try {
            MethodHandle installed = MethodHandles.publicLookup().findStatic(bridgeClass, "installed",
                    MethodType.methodType(boolean.class));
            if ((boolean) installed.invokeExact()) {
                throw new GuardUnavailableException("another copy of the runtime JDK guard is installed in this JVM"
                        + " (the agent jar on the class path and the guard module on the module path?)", null);
            }
            MethodHandle install = MethodHandles.publicLookup().findStatic(bridgeClass, "install",
                    MethodType.methodType(void.class, IntConsumer.class, ObjIntConsumer.class, Consumer.class));
            BridgeChecks checks = new BridgeChecks(c);
            install.invokeExact((IntConsumer) checks, (ObjIntConsumer) checks, (Consumer) checks);
        } catch (GuardUnavailableException e) {
            throw e;
        } catch (Throwable e) {
            throw new GuardUnavailableException("cannot connect the guard to its bridge: " + e, e);
        }
    }

    /**
     * Providers are loaded lazily, on first use, by JDK code that fills their maps; a plugin must not
     * be the one to trigger it with the provider choke points guarded. Loading them all now makes every
     * later change to one a change by whoever calls.
     */
    private static void preloadProviders() {
        for (Provider p : Security.getProviders()) {
            p.getServices();
        }
    }
}
