package com.example.termcache;

import dev.stigmem.api.Health;
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
import org.apache.commons.collections4.map.LRUMap;

/**
 * Adds to each recall hit 0.1 per query term its fact contains. The terms of a fact are computed once
 * and kept in a bounded least-recently-used map (facts are immutable, so their id is the key): the
 * oldest entry goes when the map is full. {@link LRUMap} is not thread-safe and the node may call a
 * hook from several threads, so every access holds the map's lock; it is the plugin's own object, so
 * no node lock is involved.
 */
@StigmemPlugin(name = "term-cache", version = "1.0.0", requires = ">=0.9.0")
public final class TermCachePlugin implements Plugin, RecallRank {
    private static final int MAX_FACTS = 10_000;
    private final LRUMap<String, Set<String>> terms = new LRUMap<>(MAX_FACTS);
    private long hits;

    @Override
    public Map<String, Double> recallRank(PluginContext context, RecallResults results) {
        Set<String> query = words(results.request().query().text());
        Map<String, Double> deltas = new HashMap<>();
        for (RecallHit hit : results.hits()) {
            Set<String> factTerms = termsOf(hit);
            long shared = query.stream().filter(factTerms::contains).count();
            if (shared > 0) {
                deltas.put(hit.fact().id(), 0.1 * shared);
            }
        }
        return deltas;
    }

    private Set<String> termsOf(RecallHit hit) {
        synchronized (terms) {
            Set<String> known = terms.get(hit.fact().id());
            if (known != null) {
                hits++;
                return known;
            }
        }
        // Computed outside the lock (two threads may both compute one fact's terms: the same set).
        Set<String> made = words(hit.fact().subject() + " " + hit.fact().predicate() + " " + hit.fact().object());
        synchronized (terms) {
            terms.put(hit.fact().id(), made);
        }
        return made;
    }

    /** Cache hits so far and the entries held (for the operator's health view). */
    @Override
    public Health health() {
        synchronized (terms) {
            return Health.degraded("cache hits " + hits + ", " + terms.size() + " of " + terms.maxSize() + " facts");
        }
    }

    static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).collect(Collectors.toSet());
    }
}
