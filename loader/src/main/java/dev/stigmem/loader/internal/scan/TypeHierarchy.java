package dev.stigmem.loader.internal.scan;

import dev.stigmem.loader.scan.ScanInputException;
import dev.stigmem.loader.scan.ScanLimitException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The supertypes of the archive's classes and of the JDK classes they reach, as far as a decision
 * needs them: for each type, the types among itself and all its supertypes that the policy names
 * (and {@code PluginContext}), nearest first. A class of the archive takes its supertypes from the
 * archive, any other class from the runtime image ({@link JdkTypes}).
 *
 * <p>"Nearest first" is breadth-first order: by distance, then by the order of the direct supertypes,
 * recursively, each type at its first place. A type's list is merged from its direct supertypes'
 * memoised lists, so each type costs its own direct supertypes times the few types the policy names,
 * and a chain of {@code n} classes costs {@code O(n)}, not the {@code O(n^2)} of walking every
 * class's supertypes again. The merge gives exactly the breadth-first order of the full walk: a
 * supertype at distance {@code d} through direct supertype {@code i} sorts by {@code (d, i, its place
 * in i's list)}, and breadth-first order is that order.
 *
 * <p>Every class of the archive is resolved up front, without recursion (an explicit stack), and
 * its depth (the longest chain of supertypes, in edges) is bounded; a cyclic hierarchy fails the
 * scan, as the JVM would fail to define it. Other types are resolved when first asked for.
 * Thread-safe after construction.
 */
final class TypeHierarchy {

    /** One type: the longest chain of supertypes above it, and the named types among itself and its supertypes. */
    private record Node(int depth, List<String> named, int[] distance) {
    }

    private static final Node LEAF = new Node(0, List.of(), new int[0]);

    private final Map<String, List<String>> archive;
    private final JdkTypes jdk;
    private final Predicate<String> named;
    private final ConcurrentHashMap<String, Node> nodes;

    /**
     * Resolves every class of the archive.
     *
     * @param archive  direct supertypes of each class of the archive (its keys), sorted, each once
     * @param where    {@code jar!entry} of each class of the archive, in archive order (for messages)
     * @param named    the types whose presence among the supertypes can change a decision
     * @param maxDepth the longest chain of supertypes a class of the archive may have
     * @throws ScanLimitException if a class's chain of supertypes is longer than {@code maxDepth}
     * @throws ScanInputException if the archive's hierarchy is cyclic
     */
    TypeHierarchy(Map<String, List<String>> archive, Map<String, String> where, JdkTypes jdk, Predicate<String> named,
                  int maxDepth) {
        this.archive = archive;
        this.jdk = jdk;
        this.named = named;
        this.nodes = new ConcurrentHashMap<>(Math.max(16, archive.size() * 2));
        for (Map.Entry<String, String> e : where.entrySet()) {
            node(e.getKey(), where);
        }
        // The class named is the first of the archive (in archive order) beyond the limit, whichever
        // class the walk reached first.
        for (Map.Entry<String, String> e : where.entrySet()) {
            int depth = nodes.get(e.getKey()).depth();
            if (depth > maxDepth) {
                throw new ScanLimitException(String.format(Locale.ROOT,
                        "%s: class %s has a chain of %d supertypes, more than the limit of %d",
                        e.getValue(), e.getKey().replace('/', '.'), depth, maxDepth));
            }
        }
    }

    /** The class itself and those of its supertypes the policy names, nearest first (unmodifiable). */
    List<String> named(String internalName) {
        return node(internalName, Map.of()).named();
    }

    /** The longest chain of supertypes above this class, in edges (0 for {@code Object} or an unknown class). */
    int depth(String internalName) {
        return node(internalName, Map.of()).depth();
    }

    private List<String> directSupertypes(String t) {
        List<String> fromArchive = archive.get(t);
        return fromArchive != null ? fromArchive : jdk.directSupertypes(t);
    }

    /** One frame of the explicit depth-first walk: a type and the next of its direct supertypes to visit. */
    private static final class Frame {
        final String type;
        final List<String> supers;
        int next;

        Frame(String type, List<String> supers) {
            this.type = type;
            this.supers = supers;
        }
    }

    /** The node of a type, resolving it and every unresolved supertype first, in post-order, without recursion. */
    private Node node(String start, Map<String, String> where) {
        Node known = nodes.get(start);
        if (known != null) {
            return known;
        }
        if (isLeaf(start)) {
            return merge(start, List.of());
        }
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        stack.push(new Frame(start, directSupertypes(start)));
        onStack.add(start);
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next < f.supers.size()) {
                String s = f.supers.get(f.next++);
                if (nodes.containsKey(s) || isLeaf(s)) {
                    continue;
                }
                if (!onStack.add(s)) {
                    throw new ScanInputException(String.format(Locale.ROOT,
                            "%s: the class hierarchy is cyclic: %s is a supertype of itself (through %s); the JVM cannot define it",
                            where.getOrDefault(s, where.getOrDefault(start, "archive")), s.replace('/', '.'),
                            f.type.replace('/', '.')));
                }
                stack.push(new Frame(s, directSupertypes(s)));
                continue;
            }
            stack.pop();
            onStack.remove(f.type);
            nodes.putIfAbsent(f.type, merge(f.type, f.supers));
        }
        return nodes.get(start);
    }

    /**
     * A type with no supertypes that is no class of the archive: a JDK root or a name neither the
     * archive nor the JDK defines. Its node costs nothing to compute and is not cached: the names an
     * archive can reference are unbounded, the memory of a scan must not be.
     */
    private boolean isLeaf(String type) {
        return !archive.containsKey(type) && jdk.directSupertypes(type).isEmpty();
    }

    /** A type's node from its direct supertypes' nodes, all resolved (leaves are computed, not looked up). */
    private Node merge(String type, List<String> supers) {
        boolean self = named.test(type);
        if (supers.isEmpty()) {
            return self ? new Node(0, List.of(type), new int[] {0}) : LEAF;
        }
        int depth = 0;
        int candidates = 0;
        Node[] parents = new Node[supers.size()];
        for (int i = 0; i < parents.length; i++) {
            Node parent = nodes.get(supers.get(i));
            parents[i] = parent != null ? parent : merge(supers.get(i), List.of());
            depth = Math.max(depth, parents[i].depth());
            candidates += parents[i].named().size();
        }
        depth += 1;
        if (candidates == 0) {
            return self ? new Node(depth, List.of(type), new int[] {0}) : new Node(depth, List.of(), LEAF.distance());
        }
        // A single direct supertype with nothing to add: the same list, one step further away.
        if (parents.length == 1 && !self && !parents[0].named().contains(type)) {
            int[] d = parents[0].distance().clone();
            for (int k = 0; k < d.length; k++) {
                d[k]++;
            }
            return new Node(depth, parents[0].named(), d);
        }
        // Merge by (distance, direct supertype, place in its list): each list is sorted by distance,
        // so a k-way merge that takes the smallest distance, lowest supertype index first, is that order.
        List<String> out = new ArrayList<>(candidates + 1);
        int[] dist = new int[candidates + 1];
        Set<String> seen = new HashSet<>();
        if (self) {
            out.add(type);
            dist[0] = 0;
        }
        seen.add(type);
        int[] cursor = new int[parents.length];
        while (true) {
            int best = -1;
            int bestDistance = Integer.MAX_VALUE;
            for (int i = 0; i < parents.length; i++) {
                if (cursor[i] < parents[i].named().size() && parents[i].distance()[cursor[i]] < bestDistance) {
                    best = i;
                    bestDistance = parents[i].distance()[cursor[i]];
                }
            }
            if (best < 0) {
                break;
            }
            String t = parents[best].named().get(cursor[best]++);
            if (seen.add(t)) {
                dist[out.size()] = bestDistance + 1;
                out.add(t);
            }
        }
        return new Node(depth, List.copyOf(out), Arrays.copyOf(dist, out.size()));
    }
}
