package dev.stigmem.bench;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.RecallFilter;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.context.GatedPluginContext;
import dev.stigmem.node.internal.core.CoreHandlers;
import dev.stigmem.node.internal.core.DirectoryState;
import dev.stigmem.node.internal.core.EmbeddedCore;
import dev.stigmem.node.internal.core.FactStore;
import dev.stigmem.node.internal.core.RedactingConfig;
import dev.stigmem.node.internal.hook.HookRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * A recall through every recall hook site with three plugins (filter and rank, each using its
 * gated {@code facts.read} handle), against the same work with the same handlers called directly,
 * without registry or dispatch. Issue 5's target: the node path under 1.5x the direct one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecallPipelineBenchmark {

    /** Drops hits whose fact the reader no longer holds; boosts facts about "alpha". */
    public static final class Curator implements Plugin, RecallFilter, RecallRank {
        @Override
        public RecallResults recallFilter(PluginContext context, RecallResults payload) {
            var reader = context.getFactsReader().orElseThrow();
            List<RecallHit> kept = new ArrayList<>(payload.hits().size());
            for (RecallHit h : payload.hits()) {
                if (reader.get(h.fact().id()).isPresent()) {
                    kept.add(h);
                }
            }
            return payload.withHits(kept);
        }

        @Override
        public Map<String, Double> recallRank(PluginContext context, RecallResults payload) {
            context.getFactsReader().orElseThrow();
            Map<String, Double> deltas = new HashMap<>();
            for (RecallHit h : payload.hits()) {
                if (h.fact().subject().startsWith("alpha")) {
                    deltas.put(h.fact().id(), 1.0);
                }
            }
            return deltas;
        }
    }

    private EmbeddedCore core;
    private FactStore store;
    private final List<Curator> curators = new ArrayList<>();
    private final List<PluginContext> contexts = new ArrayList<>();
    private final RecallQuery query = new RecallQuery("t1", "alpha likes tea", 20);

    @Setup
    public void setUp() {
        Clock clock = Clock.systemUTC();
        AuditLog audit = AuditLog.inMemory(clock);
        store = new FactStore(clock);
        core = new EmbeddedCore(store, new DirectoryState(), audit, new RedactingConfig(Map.of()), Optional.empty());
        HookRegistry.Builder hooks = HookRegistry.builder((a, b, c) -> { });
        CoreHandlers.register(hooks, ctx("stigmem-core"), core);
        for (int i = 0; i < 3; i++) {
            Curator c = new Curator();
            PluginContext ctx = ctx("curator-" + i);
            curators.add(c);
            contexts.add(ctx);
            hooks.plugin("curator-" + i, ctx, c);
        }
        core.start(hooks.freeze());
        for (int i = 0; i < 200; i++) {
            core.assertFact("alice", FactDraft.of((i % 2 == 0 ? "alpha" : "beta") + i, "likes", i % 3 == 0 ? "tea" : "coffee", "t1"));
        }
    }

    private PluginContext ctx(String name) {
        return new GatedPluginContext(PluginManifest.of(name, "1.0.0", ">=0.9.0", List.of(Capability.FACTS_READ.id()), List.of()),
                core.apisFor(name));
    }

    @Benchmark
    public List<RecallHit> throughNode() {
        return core.recall("alice", query);
    }

    @Benchmark
    public List<RecallHit> handlersCalledDirectly() {
        RecallResults r = new RecallResults(new RecallRequest("alice", query), store.search(query));
        for (int i = 0; i < curators.size(); i++) {
            r = curators.get(i).recallFilter(contexts.get(i), r);
        }
        Map<String, Double> sum = new HashMap<>();
        for (int i = 0; i < curators.size(); i++) {
            curators.get(i).recallRank(contexts.get(i), r).forEach((k, v) -> sum.merge(k, v, Double::sum));
        }
        List<RecallHit> ranked = new ArrayList<>();
        for (RecallHit h : r.hits()) {
            ranked.add(h.plus(sum.getOrDefault(h.fact().id(), 0.0)));
        }
        ranked.sort(FactStore.RANKING);
        return ranked;
    }
}
