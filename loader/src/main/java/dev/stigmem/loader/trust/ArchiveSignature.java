package dev.stigmem.loader.trust;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Collections;

/**
 * The signature of every jar of one plugin archive, in the archive's jar order (plugin jar
 * first, then the libraries by name): the input of a {@link TrustPolicy} decision, and what the
 * operator's review and diff show per jar. Immutable.
 *
 * @param archive the archive's name, for messages only
 * @param jars    one result per jar, plugin jar first (unmodifiable)
 */
public record ArchiveSignature(String archive, List<JarSignature> jars) {

    public ArchiveSignature {
        Objects.requireNonNull(archive, "archive");
        jars = List.copyOf(jars);
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("archive " + archive + " has no jars");
        }
        if (jars.stream().map(JarSignature::jar).distinct().count() != jars.size()) {
            throw new IllegalArgumentException("archive " + archive + " names a jar twice");
        }
    }

    /** Jar name to its signature, in archive order. */
    public Map<String, JarSignature> byJar() {
        var map = new LinkedHashMap<String, JarSignature>();
        jars.forEach(j -> map.put(j.jar(), j));
        return Collections.unmodifiableMap(map);
    }

    /** Every signer of any jar, sorted by fingerprint: what a diff compares between versions. */
    public SortedSet<Signer> allSigners() {
        var all = new TreeSet<Signer>();
        jars.forEach(j -> all.addAll(j.signers()));
        return Collections.unmodifiableSortedSet(all);
    }
}
