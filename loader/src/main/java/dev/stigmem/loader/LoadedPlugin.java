package dev.stigmem.loader;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.PrivateDirectory;
import dev.stigmem.loader.internal.layer.LayerJars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plugin loaded into a module layer of its own, with its entry class instantiated.
 *
 * <p>{@link #close()} drops the loader's references to the layer, its class loader and the plugin
 * instance, closes the jar files the layer's class loader holds open (the layer finds no classes
 * after that), and deletes the loader's private copy of the archive; once the host drops its own
 * references to the plugin's objects, the class loader and everything it defined can be garbage
 * collected. Closing does not call {@link Plugin#stop()}: stopping is the host's lifecycle call,
 * made before closing. Thread-safe; closing is idempotent.
 */
public final class LoadedPlugin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

    private final Path archive;
    private final PluginManifest manifest;
    private final String moduleName;
    private final String entryClass;
    private final AtomicReference<State> state;

    /** What pins the layer; cleared on close. */
    private record State(ModuleLayer layer, Plugin plugin, PrivateDirectory copy, LayerJars jars) {
    }

    LoadedPlugin(Path archive, PluginManifest manifest, String moduleName, String entryClass,
                 ModuleLayer layer, Plugin plugin, PrivateDirectory copy, LayerJars jars) {
        this.archive = Objects.requireNonNull(archive);
        this.manifest = Objects.requireNonNull(manifest);
        this.moduleName = Objects.requireNonNull(moduleName);
        this.entryClass = Objects.requireNonNull(entryClass);
        this.state = new AtomicReference<>(new State(layer, plugin, copy, Objects.requireNonNull(jars)));
    }

    /** The plugin's name from its manifest. */
    public String name() {
        return manifest.name();
    }

    public PluginManifest manifest() {
        return manifest;
    }

    /** The operator's archive it was loaded from. */
    public Path archive() {
        return archive;
    }

    /** The plugin's module (explicit or automatic). */
    public String moduleName() {
        return moduleName;
    }

    /** Binary name of the entry class. */
    public String entryClass() {
        return entryClass;
    }

    /**
     * The entry class instance.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Plugin plugin() {
        return open().plugin();
    }

    /**
     * The plugin's own layer.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public ModuleLayer layer() {
        return open().layer();
    }

    /**
     * The plugin's class loader. Hosts set it as the thread context class loader while they run
     * plugin code (as the loader does while instantiating the entry class), so context-loader
     * lookups in the plugin start at its own layer rather than at the host's loader.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public ClassLoader classLoader() {
        return open().layer().findLoader(moduleName);
    }

    public boolean isClosed() {
        return state.get() == null;
    }

    private State open() {
        State s = state.get();
        if (s == null) {
            throw new IllegalStateException("plugin '" + manifest.name() + "' is closed");
        }
        return s;
    }

    /** Releases the layer, closes the jars its class loader holds open and deletes the private copy. */
    @Override
    public void close() {
        State s = state.getAndSet(null);
        if (s != null) {
            s.jars().close();
            try {
                s.copy().close();
            } catch (java.io.UncheckedIOException e) {
                // The layer is released either way; a leftover private copy is only disk space.
                LOG.warn("plugin '{}': cannot delete the private copy: {}", manifest.name(), e.getMessage());
            }
            LOG.debug("closed plugin '{}'", manifest.name());
        }
    }

    @Override
    public String toString() {
        return "LoadedPlugin[" + manifest.name() + " " + manifest.version() + ", module " + moduleName
                + (isClosed() ? ", closed" : "") + "]";
    }
}
