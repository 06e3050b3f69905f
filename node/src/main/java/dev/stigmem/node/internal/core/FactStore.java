package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The embedded fact store: facts in assertion order, per-fact standing recall weights, and a
 * token-overlap recall. Bounded: at most {@link #MAX_FACTS} facts, so no plugin can exhaust the
 * heap through {@code facts.write}. Thread-safe (one lock; the embedded store is for small nodes
 * and tests, a host with real storage supplies its own handles).
 */
public final class FactStore {

    /** Upper bound on stored facts. */
    public static final int MAX_FACTS = 1_000_000;
    /** Bound on a standing recall weight. */
    public static final double MAX_WEIGHT = 1_000;

    private final Clock clock;
    private final Map<String, Fact> facts = new LinkedHashMap<>();
    private final Map<String, Double> weights = new LinkedHashMap<>();
    private long nextId;
    // Facts given an id whose audit event is being written: they count against the bound.
    private int pending;
    private final Object retractions = new Object();

    /** A store whose first fact gets id {@code f-00000001}. */
    public FactStore(Clock clock) {
        this(clock, 1);
    }

    /**
     * A store whose first fact gets number {@code firstNumber}: a node on a data directory whose
     * trail persists starts after the highest number on it ({@link FactNumbering}), so an id on the
     * trail never names two facts.
     */
    public FactStore(Clock clock, long firstNumber) {
        if (firstNumber < 1) {
            throw new IllegalArgumentException("fact numbers start at 1, not " + firstNumber);
        }
        this.clock = clock;
        this.nextId = firstNumber;
    }

    /** The number in a fact id this store gives ({@code f-} and decimal digits), or empty for any other text. */
    public static java.util.OptionalLong numberOf(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(Long.parseLong(id, 2, id.length(), 10));
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.empty(); // more digits than a long holds: not one of ours
        }
    }

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("f-[0-9]{1,19}");

    /**
     * Persists a draft as a new fact once {@code beforeVisible} accepts it: the fact gets its id and
     * a place within {@link #MAX_FACTS}, then {@code beforeVisible} runs (the node makes the fact's
     * audit event durable there) without the store's lock, and only when it returns is the fact
     * stored and visible to readers. When it throws, nothing is stored and the exception passes on.
     */
    public Fact persist(FactDraft draft, String source, Consumer<Fact> beforeVisible) {
        Fact f;
        synchronized (this) {
            if (facts.size() + pending >= MAX_FACTS) {
                throw new IllegalStateException("the fact store is full (" + MAX_FACTS + " facts)");
            }
            String id = String.format(Locale.ROOT, "f-%08d", nextId++);
            f = new Fact(id, draft.subject(), draft.predicate(), draft.object(), draft.tenant(), source,
                    clock.instant(), draft.attributes());
            pending++;
        }
        try {
            beforeVisible.accept(f);
            synchronized (this) {
                facts.put(f.id(), f);
            }
        } finally {
            synchronized (this) {
                pending--;
            }
        }
        return f;
    }

    /**
     * Removes a fact once {@code beforeRemoved} accepts it (the node makes the retraction's audit
     * event durable there); false, and {@code beforeRemoved} not run, when there is no such fact.
     * Retractions of one store are serialised, so a fact is retracted (and audited) once.
     */
    public boolean retract(String id, Consumer<Fact> beforeRemoved) {
        synchronized (retractions) {
            Optional<Fact> f = get(id);
            if (f.isEmpty()) {
                return false;
            }
            beforeRemoved.accept(f.get());
            return remove(id);
        }
    }

    public synchronized Optional<Fact> get(String id) {
        return Optional.ofNullable(facts.get(id));
    }

    public synchronized List<Fact> find(FactQuery q) {
        List<Fact> out = new ArrayList<>();
        for (Fact f : facts.values()) {
            if (out.size() >= q.limit()) {
                break;
            }
            if (f.tenant().equals(q.tenant())
                    && q.subject().map(f.subject()::equals).orElse(true)
                    && q.predicate().map(f.predicate()::equals).orElse(true)) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    private synchronized boolean remove(String id) {
        weights.remove(id);
        return facts.remove(id) != null;
    }

    /**
     * Facts of the query's tenant scored by how many query tokens they contain, plus their standing
     * weight; best first, ties by id, at most the query's limit.
     */
    public synchronized List<RecallHit> search(RecallQuery q) {
        Set<String> tokens = tokens(q.text());
        List<RecallHit> hits = new ArrayList<>();
        for (Fact f : facts.values()) {
            if (!f.tenant().equals(q.tenant())) {
                continue;
            }
            Set<String> factTokens = tokens(f.subject() + " " + f.predicate() + " " + f.object());
            long overlap = tokens.stream().filter(factTokens::contains).count();
            if (overlap > 0) {
                hits.add(new RecallHit(f, overlap + weights.getOrDefault(f.id(), 0.0)));
            }
        }
        hits.sort(RANKING);
        return List.copyOf(hits.subList(0, Math.min(q.limit(), hits.size())));
    }

    /** Best score first; ties broken by fact id so results are deterministic. */
    public static final Comparator<RecallHit> RANKING =
            Comparator.comparingDouble(RecallHit::score).reversed().thenComparing(h -> h.fact().id());

    public synchronized void setWeight(String factId, double weight) {
        if (!Double.isFinite(weight) || Math.abs(weight) > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be finite and within +-" + MAX_WEIGHT + ", was " + weight);
        }
        if (!facts.containsKey(factId)) {
            throw new IllegalArgumentException("no fact " + factId);
        }
        weights.put(factId, weight);
    }

    public synchronized boolean clearWeight(String factId) {
        return weights.remove(factId) != null;
    }

    public synchronized int size() {
        return facts.size();
    }

    private static Set<String> tokens(String text) {
        Set<String> out = new HashSet<>();
        for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
