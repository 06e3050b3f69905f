package dev.stigmem.bench;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.PostAssertPersist;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.PreAssertTransform;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.internal.context.GatedPluginContext;
import dev.stigmem.node.internal.hook.HookRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hook dispatch cost per semantic with 0, 1 and 3 plugin handlers (issue 5: mean under 100 ns and
 * p99 under 1 us for 3 handlers). Run in {@code SampleTime} mode for percentiles:
 * {@code bench/run HookDispatchBenchmark -bm sample}. Handlers do the least their semantic allows,
 * so the score is the registry's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HookDispatchBenchmark {

    /** One plugin entry handling one hook of each semantic. */
    public static final class Handler implements Plugin, PreAssertAuthorize, PreAssertTransform, RecallRank, PostAssertPersist {
        private static final Map<String, Double> DELTA = Map.of("f-1", 0.5);

        @Override
        public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
            return Vote.allow();
        }

        @Override
        public AssertRequest preAssertTransform(PluginContext context, AssertRequest payload) {
            return payload;
        }

        @Override
        public Map<String, Double> recallRank(PluginContext context, RecallResults payload) {
            return DELTA;
        }

        @Override
        public void postAssertPersist(PluginContext context, FactEvent payload) {
        }
    }

    @Param({"0", "1", "3"})
    public int handlers;

    private HookRegistry registry;
    private AssertRequest assertRequest;
    private RecallResults results;
    private FactEvent event;

    @Setup
    public void setUp() {
        HookRegistry.Builder b = HookRegistry.builder((actor, action, attributes) -> { });
        for (int i = 0; i < handlers; i++) {
            String name = "plugin-" + i;
            PluginContext ctx = new GatedPluginContext(PluginManifest.of(name, "1.0.0", ">=0.9.0", List.of(), List.of()), CoreApis.none());
            b.plugin(name, ctx, new Handler());
        }
        registry = b.freeze();
        assertRequest = new AssertRequest("alice", FactDraft.of("s", "p", "o", "t1"));
        results = new RecallResults(new RecallRequest("alice", new RecallQuery("t1", "q", 10)), List.of());
        event = new FactEvent(new Fact("f-1", "s", "p", "o", "t1", "alice", Instant.EPOCH, Map.of()), "alice");
    }

    @Benchmark
    public Vote voting() {
        return registry.vote(Hook.PRE_ASSERT_AUTHORIZE, assertRequest);
    }

    @Benchmark
    public AssertRequest filterChain() {
        return registry.filter(Hook.PRE_ASSERT_TRANSFORM, assertRequest);
    }

    @Benchmark
    public Map<String, Double> scoreDelta() {
        return registry.scores(Hook.RECALL_RANK, results);
    }

    @Benchmark
    public void fireAndForget() {
        registry.fire(Hook.POST_ASSERT_PERSIST, event);
    }
}
