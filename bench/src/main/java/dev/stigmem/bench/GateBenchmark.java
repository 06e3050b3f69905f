package dev.stigmem.bench;

import dev.stigmem.api.Capability;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.internal.context.GatedPluginContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the runtime capability gate: a declared accessor of {@link GatedPluginContext} against a
 * plain getter returning the same ready {@code Optional}. Issue 2 asks for "about nothing": compare
 * the two scores of one run (ratio), and check with {@code -prof gc} that neither allocates.
 *
 * <p>The gated context is held in a field typed by the interface, as plugins hold it; the JIT
 * sees one implementation, as it does in a node.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GateBenchmark {

    /** The baseline: an accessor with no check at all. */
    static final class PlainHolder {
        private final Optional<FactsReader> reader;

        PlainHolder(FactsReader reader) {
            this.reader = Optional.of(reader);
        }

        Optional<FactsReader> getFactsReader() {
            return reader;
        }
    }

    private PluginContext gated;
    private PlainHolder plain;

    @Setup
    public void setUp() {
        FactsReader reader = new FactsReader() {
            @Override
            public Optional<dev.stigmem.api.core.Fact> get(String id) {
                return Optional.empty();
            }

            @Override
            public List<dev.stigmem.api.core.Fact> find(FactQuery query) {
                return List.of();
            }
        };
        CoreApis apis = CoreApis.builder().provide(FactsReader.class, reader).build();
        PluginManifest manifest = PluginManifest.of("bench-plugin", "1.0.0", ">=0.9.0",
                List.of(Capability.FACTS_READ.id(), Capability.AUDIT_EMIT.id()), List.of());
        gated = new GatedPluginContext(manifest, apis);
        plain = new PlainHolder(reader);
    }

    @Benchmark
    public Optional<FactsReader> gatedDeclaredAccessor() {
        return gated.getFactsReader();
    }

    @Benchmark
    public Optional<FactsReader> plainGetter() {
        return plain.getFactsReader();
    }
}
