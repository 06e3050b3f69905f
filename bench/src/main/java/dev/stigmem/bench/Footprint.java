package dev.stigmem.bench;

import dev.stigmem.loader.LoadedPlugin;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.PluginSet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory figures that a timing harness cannot give: heap and metaspace per loaded plugin, and
 * metaspace across 1,000 load/unload cycles (it must stay flat: unloaded layers are collected).
 * Run by {@code bench/run footprint}; prints one line per measurement.
 */
public final class Footprint {
    private Footprint() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path work = Files.createTempDirectory("stigmem-footprint-work-");
        Path hundred = GeneratedPlugins.write(Files.createTempDirectory("stigmem-footprint-100-"), 100);
        Path greeter = Path.of(System.getProperty("stigmem.bench.plugins", "target/plugins"), "greeter-plugin.jar");
        PluginLoader loader = PluginLoader.builder().workDirectory(work).build();

        // Warm up the loader's own classes so they do not count as plugin cost.
        loader.loadAll(hundred).close();
        settle();
        long heap0 = heapUsed();
        long meta0 = metaspaceUsed();
        try (PluginSet set = loader.loadAll(hundred)) {
            settle();
            long heap1 = heapUsed();
            long meta1 = metaspaceUsed();
            System.out.printf(Locale.ROOT, "memory per loaded plugin (100 loaded): heap %.1f KiB, metaspace %.1f KiB%n",
                    (heap1 - heap0) / 100.0 / 1024, (meta1 - meta0) / 100.0 / 1024);
            if (set.inOrder().size() != 100) {
                throw new IllegalStateException("expected 100 plugins");
            }
        }

        settle();
        long start = metaspaceUsed();
        System.out.printf(Locale.ROOT, "cycle %5d: metaspace %.1f KiB, %d classes loaded%n", 0, start / 1024.0, loadedClasses());
        for (int i = 1; i <= cycles; i++) {
            try (LoadedPlugin p = loader.load(greeter)) {
                p.plugin().health();
            }
            if (i % (cycles / 4) == 0) {
                settle();
                System.out.printf(Locale.ROOT, "cycle %5d: metaspace %.1f KiB (%+.1f KiB since cycle 0), %d classes loaded, %d unloaded%n",
                        i, metaspaceUsed() / 1024.0, (metaspaceUsed() - start) / 1024.0, loadedClasses(),
                        ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount());
            }
        }
        GeneratedPlugins.delete(hundred);
        GeneratedPlugins.delete(work);
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static int loadedClasses() {
        return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long metaspaceUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Metaspace"))
                .mapToLong(p -> p.getUsage().getUsed())
                .sum();
    }

}
