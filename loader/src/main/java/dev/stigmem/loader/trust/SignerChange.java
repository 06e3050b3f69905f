package dev.stigmem.loader.trust;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How the signers of a plugin changed between an installed version and a candidate upgrade: what
 * {@code stigmem diff} reports and what {@code stigmem install} refuses unless the operator
 * accepts it. Compares the union of every jar's signers (see {@link ArchiveSignature#allSigners()}),
 * by certificate fingerprint. Immutable.
 *
 * @param added   signers of the new version that did not sign the old one
 * @param removed signers of the old version that do not sign the new one
 * @param kept    signers of both
 */
public record SignerChange(SortedSet<Signer> added, SortedSet<Signer> removed, SortedSet<Signer> kept) {

    public SignerChange {
        added = Collections.unmodifiableSortedSet(new TreeSet<>(added));
        removed = Collections.unmodifiableSortedSet(new TreeSet<>(removed));
        kept = Collections.unmodifiableSortedSet(new TreeSet<>(kept));
    }

    /** The change from {@code installed} to {@code candidate}. */
    public static SignerChange between(ArchiveSignature installed, ArchiveSignature candidate) {
        SortedSet<Signer> before = installed.allSigners();
        SortedSet<Signer> after = candidate.allSigners();
        TreeSet<Signer> added = new TreeSet<>(after);
        added.removeAll(before);
        TreeSet<Signer> removed = new TreeSet<>(before);
        removed.removeAll(after);
        TreeSet<Signer> kept = new TreeSet<>(after);
        kept.retainAll(before);
        return new SignerChange(added, removed, kept);
    }

    /** Whether any signer was added or removed (an unsigned version becoming signed counts too). */
    public boolean changed() {
        return !added.isEmpty() || !removed.isEmpty();
    }
}
