package dev.stigmem.loader.trust;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The trust policy's verdict on one plugin archive. Four outcomes, each with the value the node
 * audits as {@code trust_decision}:
 * <ul>
 *   <li>{@link Trusted} ({@code trusted}): signed by a trusted publisher;</li>
 *   <li>{@link OperatorOverride} ({@code operator_override}): signed by a publisher the operator
 *       accepted explicitly, with a reason;</li>
 *   <li>{@link DevelopmentUnsignedOverride} ({@code development_unsigned_override}): unsigned,
 *       accepted only because the operator acknowledged unsigned development mode;</li>
 *   <li>{@link Rejected} ({@code rejected}): anything else, with a reason.</li>
 * </ul>
 * Immutable.
 */
public sealed interface TrustDecision {

    /** The archive judged (for messages and audit). */
    String archive();

    /** The value audited as {@code trust_decision}. */
    String auditValue();

    /**
     * The signers of the archive, sorted by fingerprint: the common signer set of every jar when
     * accepted as signed; whatever signers were seen otherwise (possibly none).
     */
    SortedSet<Signer> signers();

    /** Whether the node may go on to scan and load the archive. */
    default boolean accepted() {
        return !(this instanceof Rejected);
    }

    /**
     * Returns this decision when it accepts the archive.
     *
     * @throws InvalidSignatureException     when rejected for a signature that does not hold
     * @throws UntrustedPublisherException   when rejected as unsigned or signed by an unknown publisher
     * @throws CertificateValidityException  when rejected for an expired or not-yet-valid certificate
     */
    default TrustDecision requireAccepted() {
        if (this instanceof Rejected r) {
            throw r.toException();
        }
        return this;
    }

    private static SortedSet<Signer> sorted(SortedSet<Signer> signers) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(signers));
    }

    /**
     * Every jar is signed by the same signer set, which includes a trusted publisher.
     *
     * @param archive   the archive judged
     * @param signers   the archive's signer set
     * @param publisher the trusted publisher among them (the first by fingerprint if several)
     */
    record Trusted(String archive, SortedSet<Signer> signers, Publisher publisher) implements TrustDecision {
        public Trusted {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(publisher, "publisher");
            signers = sorted(signers);
        }

        @Override
        public String auditValue() {
            return "trusted";
        }
    }

    /**
     * Every jar is signed by the same signer set, which includes no trusted publisher but one the
     * operator accepted explicitly; the publisher's label is the operator's reason, to be audited.
     *
     * @param archive   the archive judged
     * @param signers   the archive's signer set
     * @param publisher the override publisher among them (the first by fingerprint if several)
     */
    record OperatorOverride(String archive, SortedSet<Signer> signers, Publisher publisher) implements TrustDecision {
        public OperatorOverride {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(publisher, "publisher");
            signers = sorted(signers);
        }

        @Override
        public String auditValue() {
            return "operator_override";
        }
    }

    /**
     * At least one jar is unsigned and the operator acknowledged unsigned development mode; no
     * signature that is present was found broken. No publisher vouches for this code.
     *
     * @param archive      the archive judged
     * @param unsignedJars the jars without a signature, in archive order
     * @param signers      signers of the jars that are signed (informational only)
     */
    record DevelopmentUnsignedOverride(String archive, List<String> unsignedJars, SortedSet<Signer> signers)
            implements TrustDecision {
        public DevelopmentUnsignedOverride {
            Objects.requireNonNull(archive, "archive");
            unsignedJars = List.copyOf(unsignedJars);
            signers = sorted(signers);
        }

        @Override
        public String auditValue() {
            return "development_unsigned_override";
        }
    }

    /**
     * The archive must not be loaded.
     *
     * @param archive the archive judged
     * @param reason  the failure category
     * @param message the reason in a sentence naming the archive, and the jar and entry where known
     * @param jar     the jar to blame, when one is
     * @param entry   the entry to blame, when one is
     * @param signers whatever signers were seen (possibly none)
     */
    record Rejected(String archive, Reason reason, String message, Optional<String> jar, Optional<String> entry,
                    SortedSet<Signer> signers) implements TrustDecision {
        public Rejected {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(entry, "entry");
            signers = sorted(signers);
        }

        @Override
        public String auditValue() {
            return "rejected";
        }

        /** The exception of this rejection's category, carrying {@link #message()}. */
        public TrustException toException() {
            return switch (reason) {
                case INVALID_SIGNATURE, MIXED_SIGNERS -> new InvalidSignatureException(archive, message);
                case UNSIGNED, UNKNOWN_SIGNER -> new UntrustedPublisherException(archive, message);
                case CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID -> new CertificateValidityException(archive, message);
            };
        }
    }

    /** Why an archive was rejected. */
    enum Reason {
        /** A signature is present but does not hold (tampered, partly signed, bad block, stray files). */
        INVALID_SIGNATURE,
        /** The jars of the archive are not all signed by the same signer set. */
        MIXED_SIGNERS,
        /** A jar is unsigned and unsigned development mode is off. */
        UNSIGNED,
        /** Signed, intact, but by no publisher the policy lists. */
        UNKNOWN_SIGNER,
        /** A signer's certificate validity period has ended. */
        CERTIFICATE_EXPIRED,
        /** A signer's certificate validity period has not begun. */
        CERTIFICATE_NOT_YET_VALID
    }
}
