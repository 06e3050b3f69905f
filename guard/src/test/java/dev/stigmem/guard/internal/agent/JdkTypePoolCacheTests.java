package dev.stigmem.guard.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class JdkTypePoolCacheTests {

    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    @Test
    void theJdkLoadersKeepTheirTypesFromClassToClass() {
        JdkTypePoolCache cache = new JdkTypePoolCache(platform);
        assertThat(cache.locate(null)).isSameAs(cache.locate(null));
        assertThat(cache.locate(platform)).isSameAs(cache.locate(platform)).isNotSameAs(cache.locate(null));
        // A type described by one pool of the boot loader is found by the next one, not parsed again.
        TypePool first = cache.typePool(ClassFileLocator.ForClassLoader.ofBootLoader(), null);
        TypeDescription list = first.describe("java.util.ArrayList").resolve();
        assertThat(list.getSuperClass().asErasure().getName()).isEqualTo("java.util.AbstractList");
        assertThat(cache.locate(null).find("java.util.ArrayList")).isNotNull();
    }

    @Test
    void anyOtherLoaderGetsACacheOfItsOwnAndIsNotKept() throws Exception {
        JdkTypePoolCache cache = new JdkTypePoolCache(platform);
        URLClassLoader plugin = new URLClassLoader(new URL[0], null);
        TypePool.CacheProvider one = cache.locate(plugin);
        assertThat(cache.locate(plugin)).isNotSameAs(one);
        assertThat(cache.locate(ClassLoader.getSystemClassLoader())).isNotSameAs(cache.locate(ClassLoader.getSystemClassLoader()));
        // Nothing in the cache refers to the loader: once dropped, it is collected (a closed plugin layer's is).
        WeakReference<ClassLoader> ref = new WeakReference<>(plugin);
        plugin.close();
        plugin = null;
        one = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(ref.get()).isNull();
        assertThat(cache).isNotNull();
    }

    @Test
    void aFullCacheTakesNoMoreTypesAndStillAnswers() {
        JdkTypePoolCache.Bounded bounded = new JdkTypePoolCache.Bounded(3);
        for (int i = 0; i < 5; i++) {
            TypePool.Resolution r = new TypePool.Resolution.Simple(TypeDescription.ForLoadedType.of(String.class));
            assertThat(bounded.register("t" + i, r)).isSameAs(r);
        }
        assertThat(bounded.size()).isEqualTo(3);
        assertThat(bounded.find("t0")).isNotNull();
        assertThat(bounded.find("t4")).isNull();
        // A name it holds answers with what it holds, full or not.
        TypePool.Resolution held = bounded.find("t1");
        assertThat(bounded.register("t1", new TypePool.Resolution.Simple(TypeDescription.ForLoadedType.of(Integer.class)))).isSameAs(held);
        bounded.clear();
        assertThat(bounded.size()).isZero();
    }
}
