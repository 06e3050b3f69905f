package dev.stigmem.loader.trust;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What verifying the signatures of one jar of a plugin archive found: signed by a signer set,
 * not signed at all, or a signature that does not hold.
 *
 * <p>A jar is {@link Signed} only when every entry other than the signature files is signed by
 * the same signers, every digest matches and every signature block verifies; anything between
 * "fully signed" and "no signature at all" is {@link Invalid}. Immutable.
 */
public sealed interface JarSignature {

    /** The jar's name inside the archive. */
    String jar();

    /** The signers of this jar, sorted by fingerprint; empty unless {@link Signed}. */
    default SortedSet<Signer> signers() {
        return Collections.emptySortedSet();
    }

    /**
     * Every entry other than the signature files is signed by exactly {@code signers}.
     *
     * @param jar     the jar's name inside the archive
     * @param signers the signer set, not empty, sorted by fingerprint (unmodifiable)
     */
    record Signed(String jar, SortedSet<Signer> signers) implements JarSignature {
        public Signed {
            Objects.requireNonNull(jar, "jar");
            if (signers.isEmpty()) {
                throw new IllegalArgumentException("a signed jar has at least one signer: " + jar);
            }
            signers = Collections.unmodifiableSortedSet(new TreeSet<>(signers));
        }
    }

    /**
     * The jar carries no signature files at all.
     *
     * @param jar the jar's name inside the archive
     */
    record Unsigned(String jar) implements JarSignature {
        public Unsigned {
            Objects.requireNonNull(jar, "jar");
        }
    }

    /**
     * The jar carries signature files, but its signature does not hold: tampered or unsigned
     * entries, entries signed by different signers, a signature block that does not verify, stray
     * or misnamed signature files, or a jar file that differs from the image it was written from.
     *
     * @param jar     the jar's name inside the archive
     * @param entry   the first offending entry in name order, when one entry is to blame
     * @param problem what is wrong, one sentence naming the entry where there is one
     */
    record Invalid(String jar, Optional<String> entry, String problem) implements JarSignature {
        public Invalid {
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(problem, "problem");
        }
    }
}
