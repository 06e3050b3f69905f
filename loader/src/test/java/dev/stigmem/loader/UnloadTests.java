package dev.stigmem.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing a plugin releases its layer: the class loader is collected and no file is left. */
class UnloadTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    @Test
    void closedPluginsClassLoaderIsGarbageCollected() throws Exception {
        Path copy = Files.copy(Examples.libraryZip(), tmp.resolve("slugger.zip"));
        WeakReference<ClassLoader> loaderRef = loadAndClose(copy);
        // Bounded: the loop gives the collector many chances but cannot hang the build.
        for (int i = 0; i < 50 && loaderRef.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(loaderRef.get()).as("plugin class loader after close").isNull();
        Files.delete(copy);
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void loadedPluginHoldsItsClassLoaderUntilClosed() throws Exception {
        PluginLoader loader = PluginLoader.builder().workDirectory(work).build();
        try (LoadedPlugin p = loader.load(Examples.greeter())) {
            WeakReference<ClassLoader> ref = new WeakReference<>(p.plugin().getClass().getClassLoader());
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            assertThat(ref.get()).isNotNull();
            assertThat(work).isNotEmptyDirectory();
        }
        assertThat(work).isEmptyDirectory();
    }

    private WeakReference<ClassLoader> loadAndClose(Path archive) {
        PluginLoader loader = PluginLoader.builder().workDirectory(work).build();
        LoadedPlugin p = loader.load(archive);
        WeakReference<ClassLoader> ref = new WeakReference<>(p.plugin().getClass().getClassLoader());
        assertThat(p.plugin().health().message()).isEqualTo("text-library-1-0-0");
        p.close();
        return ref;
    }
}
