package dev.stigmem.loader.trust;

import dev.stigmem.loader.internal.trust.EscapedText;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which plugin publishers a node accepts. Immutable and thread-safe.
 *
 * <h2>Rules, in the order {@link #decide} applies them</h2>
 * <ol>
 *   <li>A signature that is present must hold: any {@link JarSignature.Invalid} jar rejects the
 *       archive ({@code INVALID_SIGNATURE}), whatever else the policy says, development mode
 *       included.</li>
 *   <li>Unsigned jars: with {@link #unsignedDevelopmentMode()} the archive is accepted as
 *       {@code development_unsigned_override} and a WARN is logged on every decision; otherwise
 *       rejected ({@code UNSIGNED}). <b>Default: signing required.</b></li>
 *   <li>Every jar of the archive must carry the same signer set ({@code MIXED_SIGNERS}).</li>
 *   <li>Publisher: the archive is {@code trusted} when its signer set includes a trusted
 *       publisher, else {@code operator_override} when it includes an override publisher, else
 *       rejected ({@code UNKNOWN_SIGNER}). One listed signer suffices, because every signer of
 *       the set signed every entry.</li>
 *   <li>Certificate validity ({@link CertificateValidity#ENFORCE}, the default): every signer's
 *       certificate must be within its validity period at the time of the decision, else
 *       rejected ({@code CERTIFICATE_EXPIRED} / {@code CERTIFICATE_NOT_YET_VALID}). Signature
 *       timestamps are not honoured, because honouring one would mean trusting a timestamping
 *       authority the policy does not name; a publisher whose certificate expired re-signs, or
 *       the operator sets {@link CertificateValidity#IGNORE} (logged at WARN whenever it
 *       changes the outcome).</li>
 * </ol>
 * Publishers are pinned by their leaf signing certificate's SHA-256 fingerprint: no certificate
 * chain or CA is consulted, so a self-signed certificate is as good as a CA-issued one and a
 * CA-issued one is not trusted for its issuer.
 *
 * <h2>Policy file</h2>
 * {@link #read(Path)} reads the node's policy file: UTF-8 text, one directive a line, blank lines
 * and lines starting with {@code #} ignored, unknown directives rejected:
 * <pre>
 * # Publishers whose plugins this node runs: SHA-256 fingerprint @ who it is.
 * trusted-publisher = 9F:86:D0:81:...:0A:08 @ Acme plugins release key (2026)
 * # Accepted explicitly; the reason is audited with every decision that relies on it.
 * override-publisher = 3B:... @ in-house build key, approved in OPS-1234
 * # enforce (default) or ignore
 * certificate-validity = enforce
 * # Accept unsigned plugins (development only). The value must be exactly:
 * development-unsigned = i-accept-unsigned-plugins-from-anyone
 * </pre>
 * Fingerprints are written as {@code keytool -list -v} prints them (colons optional, either
 * case). Every problem is reported at once as {@code FILE:LINE: problem} in a
 * {@link TrustPolicyException}.
 */
public final class TrustPolicy {

    /**
     * The exact value that turns on unsigned development mode, in the builder and in the policy
     * file. It says what it does, so that nobody sets it by accident or by copying a boolean.
     */
    public static final String UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT = "i-accept-unsigned-plugins-from-anyone";

    private static final Logger LOG = LoggerFactory.getLogger(TrustPolicy.class);

    /** Whether signer certificates must be within their validity period. */
    public enum CertificateValidity {
        /** Reject expired and not-yet-valid signer certificates (default). */
        ENFORCE,
        /** Accept signer certificates outside their validity period (logged at WARN). */
        IGNORE
    }

    private final SortedMap<String, Publisher> trusted;
    private final SortedMap<String, Publisher> overrides;
    private final CertificateValidity certificateValidity;
    private final boolean unsignedDevelopmentMode;

    private TrustPolicy(Builder b) {
        this.trusted = Collections.unmodifiableSortedMap(new TreeMap<>(b.trusted));
        this.overrides = Collections.unmodifiableSortedMap(new TreeMap<>(b.overrides));
        this.certificateValidity = b.certificateValidity;
        this.unsignedDevelopmentMode = b.unsignedDevelopmentMode;
    }

    /** The default policy: signing required, no publisher trusted, certificate validity enforced. */
    public static TrustPolicy signingRequired() {
        return builder().build();
    }

    /** A builder starting from the default policy. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a policy file (format in the class documentation).
     *
     * @throws TrustPolicyException when the file cannot be read or breaks the format, listing every problem
     */
    public static TrustPolicy read(Path file) {
        return TrustPolicyFormat.read(file);
    }

    /**
     * Parses policy text (format in the class documentation).
     *
     * @param fileName the name to prefix problems with
     * @param text     the policy text
     * @throws TrustPolicyException when the text breaks the format, listing every problem
     */
    public static TrustPolicy parse(String fileName, String text) {
        return TrustPolicyFormat.parse(fileName, text);
    }

    /** Trusted publishers, sorted by fingerprint. */
    public List<Publisher> trustedPublishers() {
        return List.copyOf(trusted.values());
    }

    /** Publishers accepted by explicit operator override, sorted by fingerprint. */
    public List<Publisher> overridePublishers() {
        return List.copyOf(overrides.values());
    }

    /** Whether expired and not-yet-valid signer certificates are rejected. */
    public CertificateValidity certificateValidity() {
        return certificateValidity;
    }

    /** Whether unsigned archives are accepted (development only). */
    public boolean unsignedDevelopmentMode() {
        return unsignedDevelopmentMode;
    }

    /**
     * Judges an archive's verified signatures (see the class documentation for the rules).
     * Deterministic: the same signatures, policy and instant give the same decision.
     *
     * @param signatures what verifying every jar of the archive found
     * @param now        the instant certificate validity is judged at
     * @return the decision; never throws for an untrusted archive
     */
    public TrustDecision decide(ArchiveSignature signatures, Instant now) {
        Objects.requireNonNull(signatures, "signatures");
        Objects.requireNonNull(now, "now");
        String archive = signatures.archive();
        SortedSet<Signer> seen = signatures.allSigners();

        for (JarSignature jar : signatures.jars()) {
            if (jar instanceof JarSignature.Invalid invalid) {
                return new TrustDecision.Rejected(archive, TrustDecision.Reason.INVALID_SIGNATURE,
                        rejection(archive, "jar '%s': %s", invalid.jar(), invalid.problem()),
                        Optional.of(invalid.jar()), invalid.entry(), seen);
            }
        }

        List<String> unsigned = signatures.jars().stream()
                .filter(j -> j instanceof JarSignature.Unsigned).map(JarSignature::jar).toList();
        if (!unsigned.isEmpty()) {
            if (unsignedDevelopmentMode) {
                LOG.warn("UNSIGNED PLUGIN ACCEPTED: archive '{}' has unsigned jar(s) {} and no publisher vouches for "
                                + "its code; trust_decision=development_unsigned_override because the trust policy sets "
                                + "development-unsigned. Never run a production node in this mode.",
                        EscapedText.of(archive), EscapedText.of(unsigned.toString()));
                return new TrustDecision.DevelopmentUnsignedOverride(archive, unsigned, seen);
            }
            String signedNote = seen.isEmpty() ? "" : String.format(Locale.ROOT,
                    " (other jars are signed by %s; every jar must be)", describe(seen));
            return new TrustDecision.Rejected(archive, TrustDecision.Reason.UNSIGNED,
                    rejection(archive, "jar '%s' is unsigned and the trust policy requires signed plugins%s",
                            unsigned.get(0), signedNote),
                    Optional.of(unsigned.get(0)), Optional.empty(), seen);
        }

        JarSignature first = signatures.jars().get(0);
        for (JarSignature jar : signatures.jars()) {
            if (!jar.signers().equals(first.signers())) {
                return new TrustDecision.Rejected(archive, TrustDecision.Reason.MIXED_SIGNERS,
                        rejection(archive, "jar '%s' is signed by %s but jar '%s' by %s; every jar of an archive "
                                        + "must carry the same signer set",
                                jar.jar(), describe(jar.signers()), first.jar(), describe(first.signers())),
                        Optional.of(jar.jar()), Optional.empty(), seen);
            }
        }

        SortedSet<Signer> signers = first.signers();
        Optional<Publisher> trustedPublisher = firstListed(signers, trusted);
        Optional<Publisher> overridePublisher = firstListed(signers, overrides);
        if (trustedPublisher.isEmpty() && overridePublisher.isEmpty()) {
            return new TrustDecision.Rejected(archive, TrustDecision.Reason.UNKNOWN_SIGNER,
                    rejection(archive, "signed by %s, which the trust policy lists neither as trusted-publisher "
                            + "nor as override-publisher", describe(signers)),
                    Optional.empty(), Optional.empty(), seen);
        }

        for (Signer signer : signers) {
            if (signer.validAt(now)) {
                continue;
            }
            boolean expired = now.isAfter(signer.notAfter());
            String problem = expired
                    ? String.format(Locale.ROOT, "certificate of signer %s expired at %s (now %s)",
                            signer.describe(), signer.notAfter(), now)
                    : String.format(Locale.ROOT, "certificate of signer %s is not valid before %s (now %s)",
                            signer.describe(), signer.notBefore(), now);
            if (certificateValidity == CertificateValidity.ENFORCE) {
                return new TrustDecision.Rejected(archive, expired ? TrustDecision.Reason.CERTIFICATE_EXPIRED
                        : TrustDecision.Reason.CERTIFICATE_NOT_YET_VALID,
                        rejection(archive, "%s", problem), Optional.empty(), Optional.empty(), seen);
            }
            LOG.warn("archive '{}': {}; accepted because the trust policy sets certificate-validity = ignore",
                    EscapedText.of(archive), EscapedText.of(problem));
        }

        if (trustedPublisher.isPresent()) {
            return new TrustDecision.Trusted(archive, signers, trustedPublisher.get());
        }
        LOG.info("archive '{}' accepted by operator override of publisher {} ({}); trust_decision=operator_override",
                EscapedText.of(archive), overridePublisher.get().fingerprint(), overridePublisher.get().label());
        return new TrustDecision.OperatorOverride(archive, signers, overridePublisher.get());
    }

    private static Optional<Publisher> firstListed(SortedSet<Signer> signers, SortedMap<String, Publisher> listed) {
        return signers.stream().map(s -> listed.get(s.fingerprint())).filter(Objects::nonNull).findFirst();
    }

    private static String describe(SortedSet<Signer> signers) {
        return signers.stream().map(Signer::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String rejection(String archive, String format, Object... args) {
        Object[] shown = Arrays.stream(args).map(a -> a instanceof String str ? EscapedText.of(str) : a).toArray();
        return "archive '" + EscapedText.of(archive) + "' rejected: " + String.format(Locale.ROOT, format, shown);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "TrustPolicy[trusted=%s, overrides=%s, certificateValidity=%s, unsignedDevelopmentMode=%s]",
                trusted.keySet(), overrides.keySet(), certificateValidity, unsignedDevelopmentMode);
    }

    /**
     * Builds a {@link TrustPolicy}, rejecting a bad value at the call that adds it. Not thread-safe.
     */
    public static final class Builder {
        private final TreeMap<String, Publisher> trusted = new TreeMap<>();
        private final TreeMap<String, Publisher> overrides = new TreeMap<>();
        private CertificateValidity certificateValidity = CertificateValidity.ENFORCE;
        private boolean unsignedDevelopmentMode;

        private Builder() {
        }

        /**
         * Trusts the publisher whose signing certificate has this fingerprint.
         *
         * @throws IllegalArgumentException for a malformed fingerprint or a blank label
         * @throws IllegalStateException    when the fingerprint is already listed
         */
        public Builder trustedPublisher(String fingerprint, String label) {
            Publisher p = new Publisher(fingerprint, label);
            requireUnlisted(p.fingerprint());
            trusted.put(p.fingerprint(), p);
            return this;
        }

        /**
         * Accepts the publisher whose signing certificate has this fingerprint by explicit
         * operator override; {@code reason} is audited with every decision relying on it.
         *
         * @throws IllegalArgumentException for a malformed fingerprint or a blank reason
         * @throws IllegalStateException    when the fingerprint is already listed
         */
        public Builder overridePublisher(String fingerprint, String reason) {
            Publisher p = new Publisher(fingerprint, reason);
            requireUnlisted(p.fingerprint());
            overrides.put(p.fingerprint(), p);
            return this;
        }

        private void requireUnlisted(String fingerprint) {
            if (trusted.containsKey(fingerprint) || overrides.containsKey(fingerprint)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "publisher %s is already listed as %s",
                        fingerprint, trusted.containsKey(fingerprint) ? "trusted-publisher" : "override-publisher"));
            }
        }

        /** Sets whether signer certificates must be within their validity period. */
        public Builder certificateValidity(CertificateValidity validity) {
            this.certificateValidity = Objects.requireNonNull(validity, "validity");
            return this;
        }

        /**
         * Turns on unsigned development mode: unsigned archives are accepted as
         * {@code development_unsigned_override}, with a WARN on every decision.
         *
         * @param acknowledgement exactly {@link #UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT}
         * @throws IllegalArgumentException for any other value
         */
        public Builder unsignedDevelopmentMode(String acknowledgement) {
            if (!UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT.equals(acknowledgement)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "unsigned development mode needs the acknowledgement value '%s', not '%s'",
                        UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT, acknowledgement));
            }
            this.unsignedDevelopmentMode = true;
            return this;
        }

        /** The policy. */
        public TrustPolicy build() {
            return new TrustPolicy(this);
        }
    }
}
