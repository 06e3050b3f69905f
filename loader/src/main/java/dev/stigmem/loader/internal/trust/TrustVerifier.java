package dev.stigmem.loader.internal.trust;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.trust.ArchiveSignature;
import dev.stigmem.loader.trust.JarSignature;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one call between a plugin archive and the node's trust policy: verify the JAR signature of
 * every jar of the archive image, then let the policy decide.
 *
 * <p>Example usage:
 * <pre>{@code
 * TrustDecision decision = TrustVerifier.verify(image, TrustPolicy.read(policyFile));
 * audit("trust_decision", decision.auditValue());
 * decision.requireAccepted();   // throws the TrustException of the rejection's category
 * }</pre>
 * Nothing in the archive is trusted before this call returns an accepted decision: the verifier
 * only reads bytes and never loads or runs anything from the archive. For the review and diff
 * commands, {@link #inspect(ArchiveImage)} gives each jar's signer set without a policy.
 * Stateless and thread-safe.
 */
public final class TrustVerifier {

    private TrustVerifier() {
    }

    /**
     * Verifies every jar of {@code image} and decides with {@code policy} at the current time.
     *
     * @return the decision; an untrusted, unsigned or tampered archive is a {@link TrustDecision.Rejected}
     * @throws UncheckedIOException when a private copy for verification cannot be written
     */
    public static TrustDecision verify(ArchiveImage image, TrustPolicy policy) {
        return verify(image, policy, Clock.systemUTC().instant());
    }

    /** As {@link #verify(ArchiveImage, TrustPolicy)}, judging certificate validity at {@code now}. */
    public static TrustDecision verify(ArchiveImage image, TrustPolicy policy, Instant now) {
        Objects.requireNonNull(policy, "policy");
        return policy.decide(inspect(image), now);
    }

    /**
     * As {@link #verify(ArchiveImage, TrustPolicy, Instant)}, but verifying each jar through the
     * jar file the loader wrote from the image for its module layer (see
     * {@link JarSignatureVerifier#inspect(JarImage, Path)}), so the file loaded is the file verified.
     *
     * @param writtenJars jar name to the file written from that jar's image; every jar of the archive
     * @throws IllegalArgumentException when a jar of the archive has no written file
     */
    public static TrustDecision verify(ArchiveImage image, Map<String, Path> writtenJars, TrustPolicy policy,
                                       Instant now) {
        Objects.requireNonNull(policy, "policy");
        List<JarSignature> jars = image.jars().stream().map(jar -> {
            Path file = writtenJars.get(jar.name());
            if (file == null) {
                throw new IllegalArgumentException("no written jar file for jar '" + jar.name() + "' of archive "
                        + image.source());
            }
            return JarSignatureVerifier.inspect(jar, file);
        }).toList();
        return policy.decide(new ArchiveSignature(archiveName(image), jars), now);
    }

    /** Each jar's signature, plugin jar first: what review and diff show, with no policy applied. */
    public static ArchiveSignature inspect(ArchiveImage image) {
        List<JarSignature> jars = image.jars().stream().map(JarSignatureVerifier::inspect).toList();
        return new ArchiveSignature(archiveName(image), jars);
    }

    private static String archiveName(ArchiveImage image) {
        Path fileName = image.source().getFileName();
        return fileName == null ? image.source().toString() : fileName.toString();
    }
}
