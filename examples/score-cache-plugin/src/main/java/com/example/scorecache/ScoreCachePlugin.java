package com.example.scorecache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallResults;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Adds to each recall hit 0.1 per query term its fact contains. The terms of a fact are computed
 * once and kept in a bounded Caffeine cache (facts are immutable, so their id is the key).
 * Maintenance runs on the calling thread ({@code executor(Runnable::run)}): a plugin has no business
 * on the JVM's common pool, which the runtime guard refuses it.
 */
@StigmemPlugin(name = "score-cache", version = "1.0.0", requires = ">=0.9.0")
public final class ScoreCachePlugin implements Plugin, RecallRank {
    private final Cache<String, Set<String>> terms = Caffeine.newBuilder()
            .maximumSize(10_000)
            .executor(Runnable::run)
            .recordStats()
            .build();

    @Override
    public Map<String, Double> recallRank(PluginContext context, RecallResults results) {
        Set<String> query = words(results.request().query().text());
        Map<String, Double> deltas = new HashMap<>();
        for (RecallHit hit : results.hits()) {
            Set<String> factTerms = terms.get(hit.fact().id(),
                    id -> words(hit.fact().subject() + " " + hit.fact().predicate() + " " + hit.fact().object()));
            long shared = query.stream().filter(factTerms::contains).count();
            if (shared > 0) {
                deltas.put(hit.fact().id(), 0.1 * shared);
            }
        }
        return deltas;
    }

    /** Cache hits so far (for the operator's health view). */
    @Override
    public dev.stigmem.api.Health health() {
        return dev.stigmem.api.Health.degraded("cache hits " + terms.stats().hitCount());
    }

    static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).collect(Collectors.toSet());
    }
}
