package dev.stigmem.loader;

import java.lang.module.ModuleFinder;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The host's own copy of a library module, supplied to every plugin that bundles the module in place
 * of the plugin's copy: the scan policy names such modules ({@code substitute-module}), and a loader
 * refuses a plugin bundling one unless the host gives it a substitute ({@link PluginLoader.Builder#substitute}).
 *
 * <p>For each such plugin the loader defines the host's copy, with its companions, in a layer of its
 * own (with a class loader of its own, whose parent is the narrowed platform loader) between the api's
 * layer and the plugin's, so that no two plugins share the library's static state; runs {@link #start}
 * on it on the loading thread, before any class of the plugin is defined; then defines the plugin's
 * layer above it, its modules reading the host's copy as they would have read their own. The layer is
 * then one of the plugin layer's parents, and the host encloses it with the plugin's (the runtime JDK
 * guard judges its code as the plugin's).
 *
 * @param moduleName the module replaced, e.g. {@code org.slf4j}
 * @param finder     finds the host's copy and its companions
 * @param companions modules defined beside it (a provider the host binds it to); plugin modules cannot read them
 * @param start      starts the host's copy in its new layer (the host's code, before any plugin code)
 */
public record ModuleSubstitute(String moduleName, ModuleFinder finder, Set<String> companions, Consumer<ModuleLayer> start) {
    public ModuleSubstitute {
        Objects.requireNonNull(moduleName, "moduleName");
        Objects.requireNonNull(finder, "finder");
        companions = Set.copyOf(companions);
        Objects.requireNonNull(start, "start");
    }
}
