package dev.stigmem.guard.internal.agent;

import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * The type pools' cache of the instrumentation: one per JDK loader (boot and platform), kept across the
 * classes that load, so that the supertypes every JDK class is matched by ({@code Object},
 * {@code Serializable}, the collection interfaces) are parsed from their class files once rather than
 * once per class loaded after install. Bounded ({@link #MAX_TYPES} per loader; past it, a type is
 * described again each time, as without a cache). Any other loader (the node's, a plugin's) gets a cache
 * for one class only, as ByteBuddy's default strategy gives: a loader is never kept, so a plugin layer
 * that is closed can be collected.
 */
final class JdkTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    /** Types cached per JDK loader: a node start describes some 550, the JDK has some 25,000 classes. */
    static final int MAX_TYPES = 8192;

    private final ClassLoader platform;
    private final TypePool.CacheProvider boot = new Bounded(MAX_TYPES);
    private final TypePool.CacheProvider platformTypes = new Bounded(MAX_TYPES);

    JdkTypePoolCache(ClassLoader platform) {
        super(TypePool.Default.ReaderMode.FAST);
        this.platform = platform;
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
        if (loader == null) {
            return boot;
        }
        return loader == platform ? platformTypes : new TypePool.CacheProvider.Simple();
    }

    /** A cache that stops taking types once it holds {@code max} (what it holds stays). Thread-safe. */
    static final class Bounded implements TypePool.CacheProvider {
        private final ConcurrentHashMap<String, TypePool.Resolution> types = new ConcurrentHashMap<>();
        private final int max;

        Bounded(int max) {
            this.max = max;
        }

        @Override
        public TypePool.Resolution find(String name) {
            return types.get(name);
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            TypePool.Resolution known = types.size() < max ? types.putIfAbsent(name, resolution) : types.get(name);
            return known != null ? known : resolution;
        }

        @Override
        public void clear() {
            types.clear();
        }

        int size() {
            return types.size();
        }
    }
}
