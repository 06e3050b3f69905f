package dev.stigmem.loader.internal.archive;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One jar of a plugin archive, read fully into memory within the loader's bounds.
 *
 * <p>This is the seam between reading and checking: the signature verifier, the bytecode scanner
 * and the layer builder all work from the same {@code JarImage}, so the bytes checked are the
 * bytes loaded. Entries are keyed by their exact zip name, sorted, so iteration is deterministic.
 * Directory entries are not kept. Immutable: {@link #entry} hands out copies, and the canonical
 * constructor copies what it is given. The archive reader hands over arrays nobody else holds
 * ({@link #adopt}), so an archive's bytes are in memory once, not twice.
 *
 * @param name    the jar's name inside the archive (for a single-jar archive, the archive's file name)
 * @param entries entry name to bytes (copied into a sorted, unmodifiable map)
 */
public record JarImage(String name, Map<String, byte[]> entries) {

    public JarImage {
        Objects.requireNonNull(name, "name");
        if (entries instanceof Adopted adopted) {
            entries = Collections.unmodifiableNavigableMap(adopted.entries);
        } else {
            TreeMap<String, byte[]> copy = new TreeMap<>();
            entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "entry name"), v.clone()));
            entries = Collections.unmodifiableNavigableMap(copy);
        }
    }

    /**
     * An image of {@code entries} without copying them: the caller hands over the map and its arrays
     * and keeps no reference to either.
     */
    static JarImage adopt(String name, TreeMap<String, byte[]> entries) {
        return new JarImage(name, new Adopted(entries));
    }

    /** Marks a map handed over by this package's reader; only reachable through {@link #adopt}. */
    private static final class Adopted extends java.util.AbstractMap<String, byte[]> {
        private final TreeMap<String, byte[]> entries;

        Adopted(TreeMap<String, byte[]> entries) {
            this.entries = entries;
        }

        @Override
        public java.util.Set<Entry<String, byte[]>> entrySet() {
            return entries.entrySet();
        }
    }

    /** A copy of an entry's bytes, or {@code null}-free empty when absent. */
    public java.util.Optional<byte[]> entry(String entryName) {
        byte[] b = entries.get(entryName);
        return b == null ? java.util.Optional.empty() : java.util.Optional.of(b.clone());
    }

    /**
     * Hands every entry to a visitor without copying. The visitor must not modify or retain the
     * array; the scanner uses this to stay allocation-light on the hot path.
     */
    public void forEachEntry(EntryVisitor visitor) {
        entries.forEach(visitor::visit);
    }

    /**
     * {@link #forEachEntry} of the entries whose names start with {@code prefix} (non-empty), in order:
     * a range of the sorted entries, not a walk of them all.
     */
    public void forEachEntryUnder(String prefix, EntryVisitor visitor) {
        String above = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
        ((java.util.NavigableMap<String, byte[]>) entries).subMap(prefix, true, above, false).forEach(visitor::visit);
    }

    /** Receives one entry; must neither modify nor keep {@code bytes}. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(String entryName, byte[] bytes);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof JarImage other) || !name.equals(other.name) || !entries.keySet().equals(other.entries.keySet())) {
            return false;
        }
        for (var e : entries.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), other.entries.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + entries.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "JarImage[" + name + ", " + entries.size() + " entries]";
    }
}
