package dev.stigmem.loader;

import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Archives inspected on several threads hold at most the loader's concurrent memory budget together. */
class ConcurrentInspectTests {

    @Test
    void archivesInspectedConcurrentlyTakeTurnsWithinTheConcurrentBudget() throws Exception {
        Path greeter = Examples.greeter();
        PluginLoader probe = PluginLoader.builder().build();
        long need = probe.inspect(greeter, c -> probe.memoryInUse());
        assertThat(need).isPositive();
        assertThat(probe.memoryInUse()).isZero();

        // Room for one greeter at a time, not two.
        PluginLoader loader = PluginLoader.builder()
                .limits(ArchiveLimits.DEFAULTS.withMaxHeldBytes(need).withMaxConcurrentHeldBytes(need + need / 2)).build();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicLong mostHeld = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ScanReport>> reports = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reports.add(pool.submit(() -> loader.inspect(greeter, c -> {
                    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    mostHeld.accumulateAndGet(loader.memoryInUse(), Math::max);
                    try {
                        return ScanCheck.scan(c, ScanPolicy.shipped());
                    } finally {
                        inside.decrementAndGet();
                    }
                })));
            }
            for (Future<ScanReport> r : reports) {
                assertThat(r.get().hasDeny()).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mostInside.get()).isEqualTo(1);
        // One archive's share, and at most the central directory another one is checking meanwhile.
        assertThat(mostHeld.get()).isBetween(need, need + need / 2);
        assertThat(loader.memoryInUse()).isZero();
    }

    @Test
    void anArchiveOverThePerArchiveBudgetIsRefusedNamingTheArchiveAndTheLimit() {
        Path greeter = Examples.greeter();
        PluginLoader loader = PluginLoader.builder().limits(ArchiveLimits.DEFAULTS.withMaxHeldBytes(1024)).build();
        assertThatThrownBy(() -> loader.inspect(greeter)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("plugin archive '" + greeter + "': its ")
                .hasMessageEndingWith("more than the memory budget of 1024 bytes per archive (maxHeldBytes); nothing was inflated");
        assertThat(loader.memoryInUse()).isZero();
    }

    @Test
    void theConcurrentBudgetCannotBeSmallerThanOneArchives() {
        assertThatThrownBy(() -> ArchiveLimits.DEFAULTS.withMaxConcurrentHeldBytes(ArchiveLimits.DEFAULTS.maxHeldBytes() - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be at least the budget of one archive");
        assertThat(ArchiveLimits.DEFAULTS.withMaxHeldBytes(512).withMaxConcurrentHeldBytes(1024).maxConcurrentHeldBytes())
                .isEqualTo(1024);
    }
}
