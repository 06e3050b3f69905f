package dev.stigmem.node.internal.logging;

import dev.stigmem.node.PluginLogLine;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which plugin a module's {@link System.Logger} lines belong to: the node registers each plugin
 * layer here before any of its classes is initialised, and {@link NodeLoggerFinder} asks when a
 * module calls {@link System#getLogger}. Layers are held weakly: an unloaded plugin's layer is
 * not kept alive by its log routing.
 */
public final class PluginLogging {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLogging.class);
    private static final Map<ModuleLayer, Route> ROUTES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Where one plugin layer's lines go: SLF4J under the plugin's name, and the host's observer if any. */
    record Route(String plugin, Optional<Consumer<PluginLogLine>> observer) {
        Route {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(observer, "observer");
        }
    }

    private PluginLogging() {
    }

    /**
     * Routes the {@link System.Logger} lines of {@code layer}'s modules to SLF4J logger
     * {@code plugin.PLUGIN} (and to {@code observer}). Call before any class of the layer runs.
     */
    public static void register(ModuleLayer layer, String plugin, Optional<Consumer<PluginLogLine>> observer) {
        ROUTES.put(Objects.requireNonNull(layer, "layer"), new Route(plugin, observer));
    }

    static Optional<Route> routeOf(Module module) {
        ModuleLayer layer = module == null ? null : module.getLayer();
        return layer == null ? Optional.empty() : Optional.ofNullable(ROUTES.get(layer));
    }

    /**
     * The route of the first plugin frame on the calling thread's stack, if any. A plugin that asks
     * the finder itself for a logger of some host module ({@code LoggerFinder.getLoggerFinder()
     * .getLogger(name, Object.class.getModule())}) still gets its own, escaped logger: the module it
     * names is not taken on its word.
     */
    static Optional<Route> routeOfCaller() {
        if (ROUTES.isEmpty()) {
            return Optional.empty();
        }
        return WALKER.walk(frames -> frames.map(f -> routeOf(f.getDeclaringClass().getModule()))
                .flatMap(Optional::stream).findFirst());
    }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /**
     * Loads the JVM's {@link System.LoggerFinder} now, from the node's thread, so that the first
     * {@code System.getLogger} of a plugin does not run the service lookup under the runtime JDK
     * guard; warns once when the JVM's finder is another one (plugin lines then do not carry the
     * plugin's name). Puts {@link PluginJulHandler} at the root of {@code java.util.logging}, so that
     * plugins' JUL records go the same way.
     */
    public static void prepare() {
        PluginLogWriter.start();
        PluginJulHandler.install();
        System.LoggerFinder finder = System.LoggerFinder.getLoggerFinder();
        if (!(finder instanceof NodeLoggerFinder) && WARNED.compareAndSet(false, true)) {
            LOG.warn("this JVM's System.LoggerFinder is {}, not the node's: plugin System.Logger lines go there, "
                    + "without the plugin's name", finder.getClass().getName());
        }
    }

    /** Waits until the plugin lines logged so far are written to SLF4J (or dropped), at most {@code millis}. */
    public static void flush(long millis) {
        PluginLogWriter.flush(millis);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();
}
