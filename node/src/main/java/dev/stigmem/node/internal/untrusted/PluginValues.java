package dev.stigmem.node.internal.untrusted;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.Peer;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FederationBatch;
import dev.stigmem.api.hook.IdentityResolution;
import dev.stigmem.api.hook.MigrationPlan;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.TenantResolution;
import dev.stigmem.api.hook.Vote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Copies of the values plugins hand the node (hook results, core API arguments), made once, read
 * once, checked, and built only of final JDK and api types: {@code String}, {@code Double}, the
 * api's records (final) and unmodifiable JDK collections of them. What the node keeps after a
 * plugin's call is such a copy, never the plugin's object, so nothing it reads later runs plugin
 * code, answers differently the second time, or hangs.
 *
 * <p>Why a copy is needed although the api's records are final and copy their collections: the
 * element types of {@code Map<String, String>}, {@code List<Fact>} and {@code Optional<String>} are
 * erased, and the JVM's verifier does not check values whose static type is an interface
 * ({@code Map}, {@code List}, {@link Vote}), so a plugin's bytecode can put any object there, its
 * own classes included. Strings (final) and records (final, canonical constructors) are the types
 * the JVM does check.
 *
 * <p>Reading a plugin's own collection runs its code ({@code entrySet}, iterators, entries): call
 * these on the plugin's thread, inside its (timed) call, never under a node lock. Each collection
 * is read at most {@link #MAX_ENTRIES} (or the given bound) plus one elements, so an endless
 * iterator is cut by the bound, not only by the time limit. A value the node does not take is a
 * {@link PluginValueException}; whatever the plugin's code throws while being read propagates.
 *
 * <p>Bounds: every collection at most {@link #MAX_ENTRIES} entries; every text (a fact's or draft's
 * fields, attribute keys and values, names, ids, a recall's text) at most {@link #MAX_TEXT}
 * characters; the hits a {@code recall_filter} returns at most the limit of the recall it filters
 * ({@link #filteredRecall}). Reasons and messages the node shows are bounded apart, at
 * {@link PluginText#LIMIT}.
 */
public final class PluginValues {

    /** The most entries of any one collection a plugin hands the node. */
    public static final int MAX_ENTRIES = 10_000;

    /** The longest text (in chars) of any one string field a plugin hands the node: 1 Mi. */
    public static final int MAX_TEXT = 1 << 20;

    private static final Map<Class<?>, UnaryOperator<Object>> HOOK_VALUES = Map.of(
            AssertRequest.class, v -> assertRequest((AssertRequest) v),
            RecallRequest.class, v -> recallRequest((RecallRequest) v),
            RecallResults.class, v -> recallResults((RecallResults) v),
            FederationBatch.class, v -> federationBatch((FederationBatch) v),
            IdentityResolution.class, v -> identityResolution((IdentityResolution) v),
            TenantResolution.class, v -> tenantResolution((TenantResolution) v),
            MigrationPlan.class, v -> migrationPlan((MigrationPlan) v));

    private static final Map<Class<?>, UnaryOperator<Object>> ARGUMENTS = Map.of(
            FactDraft.class, v -> draft((FactDraft) v),
            FactQuery.class, v -> factQuery((FactQuery) v),
            RecallQuery.class, v -> recallQuery((RecallQuery) v),
            Tenant.class, v -> tenant((Tenant) v),
            Peer.class, v -> peer((Peer) v),
            OutboundRequest.class, v -> outboundRequest((OutboundRequest) v),
            Map.class, v -> bounded(v, MAX_ENTRIES, "map"));

    private PluginValues() {
    }

    /** Whether {@link #hookValue} copies values of this payload type. */
    public static boolean copiesHookValue(Class<?> type) {
        return HOOK_VALUES.containsKey(type);
    }

    /** Whether {@link #argument} copies arguments of this parameter type. */
    public static boolean copiesArgument(Class<?> type) {
        return type == String.class || type.isPrimitive() || ARGUMENTS.containsKey(type);
    }

    /**
     * The value a filter-chain handler returned, as a checked copy of {@code type}.
     *
     * @throws PluginValueException if it is {@code null}, not a {@code type}, or holds elements of the wrong type
     */
    public static Object hookValue(Class<?> type, Object value) {
        UnaryOperator<Object> copy = HOOK_VALUES.get(type);
        if (copy == null) {
            throw new IllegalStateException("no copy for hook values of type " + type.getName());
        }
        if (value == null) {
            throw new PluginValueException("returned null instead of a value");
        }
        if (!type.isInstance(value)) {
            throw new PluginValueException("returned a " + className(value) + " instead of a " + type.getSimpleName());
        }
        try {
            return copy.apply(value);
        } catch (PluginValueException refused) {
            throw new PluginValueException("returned a " + type.getSimpleName() + " the node does not take: " + refused.getMessage());
        }
    }

    /**
     * A vote as the node keeps it: the shared allow, or a deny whose reason is bounded and escaped.
     *
     * @throws PluginValueException if {@code value} is {@code null} or not a {@link Vote}
     */
    public static Vote vote(Object value) {
        if (value == null) {
            throw new PluginValueException("returned null instead of a Vote");
        }
        if (value instanceof Vote.Allow) {
            return Vote.allow();
        }
        if (value instanceof Vote.Deny deny) {
            return new Vote.Deny(PluginText.bounded(deny.reason()));
        }
        throw new PluginValueException("returned a " + className(value) + " instead of a Vote");
    }

    /**
     * Score deltas a {@code recall_rank} handler returned: ids to finite numbers, each id once.
     *
     * @throws PluginValueException if it is not such a map or has more than {@link #MAX_ENTRIES} entries
     */
    public static Map<String, Double> scoreDeltas(Object value) {
        if (value == null) {
            throw new PluginValueException("returned null instead of score deltas");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new PluginValueException("returned a " + className(value) + " instead of score deltas");
        }
        Map<String, Double> out = new HashMap<>();
        int n = 0;
        for (Object o : map.entrySet()) {
            if (++n > MAX_ENTRIES) {
                throw new PluginValueException("returned more than " + MAX_ENTRIES + " score deltas");
            }
            if (!(o instanceof Map.Entry<?, ?> entry)) {
                throw new PluginValueException("returned score deltas whose entry set holds a " + className(o));
            }
            Object key = entry.getKey();
            Object delta = entry.getValue();
            if (!(key instanceof String id) || !(delta instanceof Double d) || !Double.isFinite(d)) {
                throw new PluginValueException("returned a score delta that is not a finite number keyed by id: "
                        + (key instanceof String s ? PluginText.bounded(s, PluginText.NAME_LIMIT) : "a key of class " + className(key)));
            }
            if (out.put(id, d) != null) {
                throw new PluginValueException("returned two score deltas for id " + PluginText.bounded(id, PluginText.NAME_LIMIT));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * What a {@code recall_filter} handler returned for {@code input}: its hits, at most the limit of
     * the recall it filters (reading stops at one more), each copied, under the node's own request
     * (a filter filters hits; it does not change the recall they answer).
     *
     * @throws PluginValueException if it is not a {@link RecallResults} or holds more hits than the limit
     */
    public static RecallResults filteredRecall(RecallResults input, Object value) {
        if (value == null) {
            throw new PluginValueException("returned null instead of a value");
        }
        if (!(value instanceof RecallResults r)) {
            throw new PluginValueException("returned a " + className(value) + " instead of a RecallResults");
        }
        int limit = input.request().query().limit();
        Object hits = r.hits();
        if (!(hits instanceof List<?> l)) {
            throw new PluginValueException("returned a RecallResults the node does not take: hits: a " + className(hits) + ", not a list");
        }
        List<RecallHit> out = new ArrayList<>();
        for (Object o : l) {
            if (out.size() >= limit) {
                throw new PluginValueException("returned more than " + limit + " hits for a recall of limit " + limit);
            }
            if (!(o instanceof RecallHit h)) {
                throw new PluginValueException("returned a RecallResults the node does not take: hits: element " + out.size() + " is "
                        + (o == null ? "null" : "a " + className(o)) + ", not a RecallHit");
            }
            try {
                out.add(new RecallHit(fact(h.fact()), h.score()));
            } catch (PluginValueException refused) {
                throw new PluginValueException("returned a RecallResults the node does not take: " + refused.getMessage());
            }
        }
        return new RecallResults(input.request(), Collections.unmodifiableList(out));
    }

    /**
     * An argument a plugin passed to a core API handle method whose parameter is of {@code type}:
     * {@code null} stays {@code null} (the handle decides), strings and primitives are what they
     * are, api records and maps are copied.
     *
     * @throws PluginValueException  if it is not a {@code type} or holds elements of the wrong type
     * @throws IllegalStateException if the node has no copy for this parameter type (a handle method the node does not know)
     */
    public static Object argument(Class<?> type, Object value) {
        if (value == null) {
            return null;
        }
        if (type.isPrimitive()) {
            return value; // boxed by the JDK on the way in: Integer, Double, ...
        }
        if (type == String.class) {
            if (!(value instanceof String text)) {
                throw new PluginValueException("passed a " + className(value) + " where a String goes");
            }
            return text(text, "a String argument");
        }
        UnaryOperator<Object> copy = ARGUMENTS.get(type);
        if (copy == null) {
            throw new IllegalStateException("no copy for arguments of type " + type.getName());
        }
        if (!type.isInstance(value)) {
            throw new PluginValueException("passed a " + className(value) + " where a " + type.getSimpleName() + " goes");
        }
        return copy.apply(value);
    }

    /** A draft whose attributes are strings; {@code null} stays {@code null}. */
    public static FactDraft draft(FactDraft d) {
        if (d == null) {
            return null;
        }
        return new FactDraft(text(d.subject(), "subject"), text(d.predicate(), "predicate"), text(d.object(), "object"),
                text(d.tenant(), "tenant"), bounded(d.attributes(), MAX_ENTRIES, "fact attributes"));
    }

    /** A query whose optional criteria are strings; {@code null} stays {@code null}. */
    public static FactQuery factQuery(FactQuery q) {
        if (q == null) {
            return null;
        }
        return new FactQuery(text(q.tenant(), "tenant"), optionalString(q.subject(), "subject"), optionalString(q.predicate(), "predicate"), q.limit());
    }

    /** A tenant whose attributes are strings; {@code null} stays {@code null}. */
    public static Tenant tenant(Tenant t) {
        if (t == null) {
            return null;
        }
        return new Tenant(text(t.id(), "tenant id"), text(t.name(), "tenant name"), bounded(t.attributes(), MAX_ENTRIES, "tenant attributes"));
    }

    /** A request whose headers are strings (its body is copied by the record); {@code null} stays {@code null}. */
    public static OutboundRequest outboundRequest(OutboundRequest r) {
        if (r == null) {
            return null;
        }
        return new OutboundRequest(text(r.method(), "method"), r.destination(), bounded(r.headers(), MAX_ENTRIES, "headers"), r.body(), r.timeout());
    }

    /** {@link #stringMap}, and every key and value at most {@link #MAX_TEXT} chars. */
    private static Map<String, String> bounded(Object map, int maxEntries, String what) {
        Map<String, String> copy = stringMap(map, maxEntries, what);
        for (Map.Entry<String, String> e : copy.entrySet()) {
            text(e.getKey(), what + ": a key");
            text(e.getValue(), what + ": the value of '" + PluginText.bounded(e.getKey(), PluginText.NAME_LIMIT) + "'");
        }
        return copy;
    }

    /**
     * {@code text}, if it is at most {@link #MAX_TEXT} chars ({@code null} stays {@code null}: the
     * record it goes into decides).
     *
     * @throws PluginValueException if it is longer
     */
    static String text(String text, String what) {
        if (text != null && text.length() > MAX_TEXT) {
            throw new PluginValueException(what + ": " + text.length() + " chars, at most " + MAX_TEXT);
        }
        return text;
    }

    /**
     * An unmodifiable copy of a map of strings to strings, read once (one pass over its entry set,
     * each entry's key and value read once), at most {@code maxEntries} entries.
     *
     * @param what names the map in messages
     * @throws NullPointerException if {@code map} is {@code null}
     * @throws PluginValueException if it is not a map, has more than {@code maxEntries} entries, a
     *                              key twice, or a key or value that is not a string
     */
    public static Map<String, String> stringMap(Object map, int maxEntries, String what) {
        Objects.requireNonNull(map, what);
        if (!(map instanceof Map<?, ?> m)) {
            throw new PluginValueException(what + ": a " + className(map) + ", not a map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (Object o : m.entrySet()) {
            if (++n > maxEntries) {
                throw new PluginValueException(what + ": more than " + maxEntries + " entries");
            }
            if (!(o instanceof Map.Entry<?, ?> entry)) {
                throw new PluginValueException(what + ": the entry set holds a " + className(o));
            }
            Object key = entry.getKey();
            Object value = entry.getValue();
            if (!(key instanceof String k)) {
                throw new PluginValueException(what + ": a key is " + (key == null ? "null" : "a " + className(key) + ", not a String"));
            }
            if (!(value instanceof String v)) {
                throw new PluginValueException(what + ": the value of '" + PluginText.bounded(k, PluginText.NAME_LIMIT) + "' is "
                        + (value == null ? "null" : "a " + className(value) + ", not a String"));
            }
            if (out.put(k, v) != null) {
                throw new PluginValueException(what + ": key '" + PluginText.bounded(k, PluginText.NAME_LIMIT) + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static AssertRequest assertRequest(AssertRequest r) {
        return new AssertRequest(text(r.principal(), "principal"), draft(r.draft()));
    }

    private static RecallRequest recallRequest(RecallRequest r) {
        // Strings, an int and a record of them: nothing of the plugin's can be inside; the texts are bounded.
        text(r.principal(), "principal");
        recallQuery(r.query());
        return r;
    }

    private static RecallQuery recallQuery(RecallQuery q) {
        if (q != null) {
            text(q.tenant(), "tenant");
            text(q.text(), "recall text");
        }
        return q;
    }

    private static Peer peer(Peer p) {
        if (p != null) {
            text(p.id(), "peer id");
        }
        return p;
    }

    private static TenantResolution tenantResolution(TenantResolution r) {
        Objects.requireNonNull(r);
        return r;
    }

    private static RecallResults recallResults(RecallResults r) {
        return new RecallResults(recallRequest(r.request()), list(r.hits(), RecallHit.class, "hits",
                h -> new RecallHit(fact(h.fact()), h.score())));
    }

    private static FederationBatch federationBatch(FederationBatch b) {
        return new FederationBatch(text(b.peerId(), "peer id"), list(b.facts(), Fact.class, "facts", PluginValues::fact),
                bounded(b.headers(), MAX_ENTRIES, "headers"));
    }

    private static IdentityResolution identityResolution(IdentityResolution r) {
        Identity i = r.identity();
        return new IdentityResolution(text(r.principal(), "principal"), new Identity(text(i.principal(), "principal"),
                text(i.displayName(), "display name"), stringSet(i.roles(), "roles"), bounded(i.attributes(), MAX_ENTRIES, "identity attributes")));
    }

    private static MigrationPlan migrationPlan(MigrationPlan p) {
        return new MigrationPlan(list(p.migrations(), MigrationPlan.Migration.class, "migrations",
                m -> new MigrationPlan.Migration(text(m.id(), "migration id"), text(m.description(), "migration description"))));
    }

    private static Fact fact(Fact f) {
        return new Fact(text(f.id(), "fact id"), text(f.subject(), "subject"), text(f.predicate(), "predicate"), text(f.object(), "object"),
                text(f.tenant(), "tenant"), text(f.source(), "source"), f.assertedAt(), bounded(f.attributes(), MAX_ENTRIES, "fact attributes"));
    }

    private static Optional<String> optionalString(Optional<?> o, String what) {
        Objects.requireNonNull(o, what);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        if (!(o.get() instanceof String s)) {
            throw new PluginValueException(what + ": a " + className(o.get()) + ", not a String");
        }
        return Optional.of(text(s, what));
    }

    private static Set<String> stringSet(Object set, String what) {
        Objects.requireNonNull(set, what);
        if (!(set instanceof Set<?> s)) {
            throw new PluginValueException(what + ": a " + className(set) + ", not a set");
        }
        Set<String> out = new LinkedHashSet<>();
        int n = 0;
        for (Object o : s) {
            if (++n > MAX_ENTRIES) {
                throw new PluginValueException(what + ": more than " + MAX_ENTRIES + " entries");
            }
            if (!(o instanceof String e)) {
                throw new PluginValueException(what + ": an element is " + (o == null ? "null" : "a " + className(o) + ", not a String"));
            }
            text(e, what + ": an element");
            if (!out.add(e)) {
                throw new PluginValueException(what + ": '" + PluginText.bounded(e, PluginText.NAME_LIMIT) + "' is given twice");
            }
        }
        return Collections.unmodifiableSet(out);
    }

    private static <T> List<T> list(Object list, Class<T> type, String what, UnaryOperator<T> copy) {
        Objects.requireNonNull(list, what);
        if (!(list instanceof List<?> l)) {
            throw new PluginValueException(what + ": a " + className(list) + ", not a list");
        }
        List<T> out = new ArrayList<>();
        for (Object o : l) {
            if (out.size() >= MAX_ENTRIES) {
                throw new PluginValueException(what + ": more than " + MAX_ENTRIES + " entries");
            }
            if (!type.isInstance(o)) {
                throw new PluginValueException(what + ": element " + out.size() + " is "
                        + (o == null ? "null" : "a " + className(o)) + ", not a " + type.getSimpleName());
            }
            out.add(copy.apply(type.cast(o)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The class name of a plugin's object, bounded and escaped (class names are the plugin's to choose). */
    static String className(Object o) {
        return o == null ? "null" : PluginText.bounded(o.getClass().getName(), PluginText.NAME_LIMIT);
    }
}
