package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The plugins of one plugin directory, loaded in dependency order. Closing closes every plugin,
 * in reverse order. Thread-safe.
 */
public final class PluginSet implements AutoCloseable {
    private final Path directory;
    private final List<LoadedPlugin> plugins;
    private final List<PluginLoadException> rejected;

    PluginSet(Path directory, List<LoadedPlugin> plugins, List<PluginLoadException> rejected) {
        this.directory = directory;
        this.plugins = List.copyOf(plugins);
        this.rejected = List.copyOf(rejected);
    }

    /**
     * The archives skipped by {@link PluginLoader#loadAvailable}, each with why, in the order they
     * failed; always empty for {@link PluginLoader#loadAll}, which loads all or nothing.
     */
    public List<PluginLoadException> rejected() {
        return rejected;
    }

    public Path directory() {
        return directory;
    }

    /** The plugins, each after the plugins it depends on (ties by name). */
    public List<LoadedPlugin> inOrder() {
        return plugins;
    }

    /** The plugin with this manifest name. */
    public Optional<LoadedPlugin> find(String name) {
        return plugins.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public void close() {
        for (int i = plugins.size() - 1; i >= 0; i--) {
            plugins.get(i).close();
        }
    }
}
