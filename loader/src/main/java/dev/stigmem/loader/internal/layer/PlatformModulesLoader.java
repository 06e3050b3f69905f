package dev.stigmem.loader.internal.layer;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

/**
 * The parent of every plugin class loader: the platform class loader, narrowed to the packages
 * of the JDK modules a plugin may use.
 *
 * <p>Why not the platform loader itself: the JDK's built-in loaders share one package-to-module
 * map, so the platform loader answers {@code loadClass} for any class of a named module on the
 * host's module path, exported or not, by delegating to the application loader. A plugin could
 * then {@code Class.forName} the node's internal classes. This loader answers only for packages
 * of the allowed modules defined to the boot or platform loader (java.base and the allowlist), and
 * throws {@link ClassNotFoundException} for everything else, so the requires allowlist also holds
 * for reflective lookups. It defines no class and holds no plugin state, so one instance serves
 * every plugin layer.
 */
final class PlatformModulesLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Set<String> packages;

    PlatformModulesLoader(Set<String> packages) {
        super("stigmem-plugin-platform", ClassLoader.getPlatformClassLoader());
        this.packages = Set.copyOf(packages);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !packages.contains(name.substring(0, dot))) {
            throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        return allowed(name) ? super.getResource(name) : null;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return allowed(name) ? super.getResources(name) : Collections.emptyEnumeration();
    }

    private boolean allowed(String resource) {
        int slash = resource.lastIndexOf('/');
        return slash > 0 && packages.contains(resource.substring(0, slash).replace('/', '.'));
    }
}
