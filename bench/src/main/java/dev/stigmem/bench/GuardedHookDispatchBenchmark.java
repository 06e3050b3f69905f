package dev.stigmem.bench;

import java.util.concurrent.TimeUnit;
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
 * {@link HookDispatchBenchmark}'s benchmarks with the runtime JDK guard installed (shipped policy,
 * one plugin layer enclosed) before the registry is built: what the guard costs hook dispatch.
 * Compare in one run: {@code bench/run HookDispatchBenchmark -p handlers=3 -bm sample}.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"})
public class GuardedHookDispatchBenchmark extends HookDispatchBenchmark {

    @Setup
    public void installGuard() {
        JdkGuardBenchmark.guardWithEnclosedLayer();
    }
}
