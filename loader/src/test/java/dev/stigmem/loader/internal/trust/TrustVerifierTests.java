package dev.stigmem.loader.internal.trust;

import static dev.stigmem.loader.internal.trust.TestJars.bytes;
import static dev.stigmem.loader.internal.trust.TestJars.content;
import static dev.stigmem.loader.internal.trust.TestJars.copy;
import static dev.stigmem.loader.internal.trust.TestJars.image;
import static dev.stigmem.loader.internal.trust.TestJars.sign;
import static dev.stigmem.loader.internal.trust.TestJars.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.trust.CertificateValidityException;
import dev.stigmem.loader.trust.InvalidSignatureException;
import dev.stigmem.loader.trust.JarSignature;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.loader.trust.UntrustedPublisherException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustVerifierTests {

    private static final String ACK = TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT;

    private static Map<String, byte[]> library(String seed) {
        return Map.of("META-INF/MANIFEST.MF", utf8("Manifest-Version: 1.0\r\n\r\n"),
                "org/lib/" + seed + "/Util.class", bytes(seed, 400));
    }

    private static ArchiveImage archive(Map<String, byte[]> plugin, List<JarImage> libraries) {
        return new ArchiveImage(Path.of("/plugins/example-plugin-1.0.0.zip"), image("example-plugin.jar", plugin),
                libraries);
    }

    private static ArchiveImage signedArchive(SigningKeys.Key key) {
        return archive(sign(content(), key, "PUB"), List.of(image("lib-a.jar", sign(library("a"), key, "PUB"))));
    }

    private static TrustPolicy trusting(SigningKeys.Key key) {
        return TrustPolicy.builder().trustedPublisher(key.signer().fingerprint(), "Acme release key").build();
    }

    @Test
    void archiveSignedByATrustedPublisherIsTrusted() {
        TrustDecision decision = TrustVerifier.verify(signedArchive(SigningKeys.acme()), trusting(SigningKeys.acme()));

        assertThat(decision).isInstanceOf(TrustDecision.Trusted.class);
        assertThat(decision.auditValue()).isEqualTo("trusted");
        assertThat(decision.signers()).containsExactly(SigningKeys.acme().signer());
        assertThat(((TrustDecision.Trusted) decision).publisher().label()).isEqualTo("Acme release key");
        assertThat(decision.archive()).isEqualTo("example-plugin-1.0.0.zip");
    }

    @Test
    void archiveSignedByAnOverridePublisherIsAnOperatorOverride() {
        TrustPolicy policy = TrustPolicy.builder()
                .trustedPublisher(SigningKeys.acme().signer().fingerprint(), "Acme")
                .overridePublisher(SigningKeys.other().signer().fingerprint(), "pilot approved in OPS-1234")
                .build();

        TrustDecision decision = TrustVerifier.verify(signedArchive(SigningKeys.other()), policy);

        assertThat(decision).isInstanceOf(TrustDecision.OperatorOverride.class);
        assertThat(decision.auditValue()).isEqualTo("operator_override");
        assertThat(((TrustDecision.OperatorOverride) decision).publisher().label()).isEqualTo("pilot approved in OPS-1234");
    }

    @Test
    void archiveSignedByAnUnknownPublisherIsRejected() {
        TrustDecision decision = TrustVerifier.verify(signedArchive(SigningKeys.other()), trusting(SigningKeys.acme()));

        assertThat(decision.auditValue()).isEqualTo("rejected");
        var rejected = (TrustDecision.Rejected) decision;
        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.UNKNOWN_SIGNER);
        assertThat(rejected.message()).contains("example-plugin-1.0.0.zip", "CN=Other Publisher",
                SigningKeys.other().signer().fingerprint());
        assertThatThrownBy(decision::requireAccepted).isInstanceOf(UntrustedPublisherException.class)
                .hasMessage(rejected.message());
    }

    @Test
    void unsignedArchiveIsRejectedByDefault() {
        TrustDecision decision = TrustVerifier.verify(archive(content(), List.of()), TrustPolicy.signingRequired());

        var rejected = (TrustDecision.Rejected) decision;
        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.UNSIGNED);
        assertThat(rejected.jar()).contains("example-plugin.jar");
        assertThat(rejected.message()).contains("jar 'example-plugin.jar' is unsigned");
    }

    @Test
    void unsignedArchiveIsADevelopmentOverrideOnlyWithTheAcknowledgement() {
        TrustPolicy development = TrustPolicy.builder().unsignedDevelopmentMode(ACK).build();

        TrustDecision decision = TrustVerifier.verify(archive(content(), List.of(image("lib-a.jar", library("a")))),
                development);

        assertThat(decision).isInstanceOf(TrustDecision.DevelopmentUnsignedOverride.class);
        assertThat(decision.auditValue()).isEqualTo("development_unsigned_override");
        assertThat(((TrustDecision.DevelopmentUnsignedOverride) decision).unsignedJars())
                .containsExactly("example-plugin.jar", "lib-a.jar");
        assertThat(decision.requireAccepted()).isSameAs(decision);
    }

    @Test
    void tamperedArchiveIsRejectedEvenInDevelopmentMode() {
        var plugin = copy(sign(content(), SigningKeys.acme(), "PUB"));
        plugin.put("com/acme/plugin/ExamplePlugin.class", bytes("patched", 600));
        TrustPolicy development = TrustPolicy.builder().unsignedDevelopmentMode(ACK)
                .trustedPublisher(SigningKeys.acme().signer().fingerprint(), "Acme").build();

        TrustDecision decision = TrustVerifier.verify(archive(plugin, List.of()), development);

        var rejected = (TrustDecision.Rejected) decision;
        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.INVALID_SIGNATURE);
        assertThat(rejected.jar()).contains("example-plugin.jar");
        assertThat(rejected.entry()).contains("com/acme/plugin/ExamplePlugin.class");
        assertThat(rejected.message()).contains("example-plugin-1.0.0.zip", "example-plugin.jar",
                "com/acme/plugin/ExamplePlugin.class");
        assertThatThrownBy(decision::requireAccepted).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void strippingTheSignatureLeavesAnUnsignedArchiveThatIsRejected() {
        var stripped = copy(sign(content(), SigningKeys.acme(), "PUB"));
        stripped.keySet().removeIf(name -> name.startsWith("META-INF/PUB."));

        var rejected = (TrustDecision.Rejected) TrustVerifier.verify(archive(stripped, List.of()), trusting(SigningKeys.acme()));

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.UNSIGNED);
        assertThatThrownBy(rejected::requireAccepted).isInstanceOf(UntrustedPublisherException.class);
    }

    @Test
    void unsignedLibraryInASignedArchiveIsRejected() {
        ArchiveImage archive = archive(sign(content(), SigningKeys.acme(), "PUB"),
                List.of(image("lib-a.jar", library("a"))));

        var rejected = (TrustDecision.Rejected) TrustVerifier.verify(archive, trusting(SigningKeys.acme()));

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.UNSIGNED);
        assertThat(rejected.jar()).contains("lib-a.jar");
        assertThat(rejected.message()).contains("other jars are signed by");
    }

    @Test
    void libraryWithAnotherSignerSetIsRejected() {
        ArchiveImage mixed = archive(sign(content(), SigningKeys.acme(), "PUB"),
                List.of(image("lib-a.jar", sign(library("a"), SigningKeys.acme(), "PUB")),
                        image("lib-b.jar", sign(library("b"), SigningKeys.other(), "LIB"))));
        ArchiveImage alsoResigned = archive(sign(content(), SigningKeys.acme(), "PUB"),
                List.of(image("lib-b.jar", sign(sign(library("b"), SigningKeys.other(), "LIB"), SigningKeys.acme(), "PUB"))));

        var rejected = (TrustDecision.Rejected) TrustVerifier.verify(mixed, trusting(SigningKeys.acme()));
        var coSigned = (TrustDecision.Rejected) TrustVerifier.verify(alsoResigned, trusting(SigningKeys.acme()));

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.MIXED_SIGNERS);
        assertThat(rejected.jar()).contains("lib-b.jar");
        assertThat(rejected.message()).contains("jar 'lib-b.jar' is signed by [CN=Other Publisher");
        assertThat(coSigned.reason()).isEqualTo(TrustDecision.Reason.MIXED_SIGNERS);
        assertThatThrownBy(rejected::requireAccepted).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void expiredCertificateIsRejectedUnlessThePolicyIgnoresValidity() {
        ArchiveImage archive = signedArchive(SigningKeys.expired());
        String fingerprint = SigningKeys.expired().signer().fingerprint();

        TrustDecision enforced = TrustVerifier.verify(archive,
                TrustPolicy.builder().trustedPublisher(fingerprint, "old key").build());
        TrustDecision ignored = TrustVerifier.verify(archive, TrustPolicy.builder().trustedPublisher(fingerprint, "old key")
                .certificateValidity(TrustPolicy.CertificateValidity.IGNORE).build());

        var rejected = (TrustDecision.Rejected) enforced;
        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.CERTIFICATE_EXPIRED);
        assertThat(rejected.message()).contains("CN=Expired Publisher", "expired at");
        assertThatThrownBy(enforced::requireAccepted).isInstanceOf(CertificateValidityException.class);
        assertThat(ignored).isInstanceOf(TrustDecision.Trusted.class);
    }

    @Test
    void notYetValidCertificateIsRejectedUntilItsStart() {
        ArchiveImage archive = signedArchive(SigningKeys.notYetValid());
        var signer = SigningKeys.notYetValid().signer();
        TrustPolicy policy = TrustPolicy.builder().trustedPublisher(signer.fingerprint(), "next key").build();

        var rejected = (TrustDecision.Rejected) TrustVerifier.verify(archive, policy);
        TrustDecision later = TrustVerifier.verify(archive, policy, signer.notBefore().plusSeconds(60));

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.CERTIFICATE_NOT_YET_VALID);
        assertThat(rejected.message()).contains("is not valid before");
        assertThat(later).isInstanceOf(TrustDecision.Trusted.class);
    }

    @Test
    void inspectGivesEachJarsSignersForReviewAndDiff() {
        ArchiveImage mixed = archive(sign(content(), SigningKeys.acme(), "PUB"),
                List.of(image("lib-a.jar", library("a")), image("lib-b.jar", sign(library("b"), SigningKeys.other(), "LIB"))));

        var signatures = TrustVerifier.inspect(mixed);

        assertThat(signatures.jars()).extracting(JarSignature::jar)
                .containsExactly("example-plugin.jar", "lib-a.jar", "lib-b.jar");
        assertThat(signatures.byJar().get("example-plugin.jar").signers()).containsExactly(SigningKeys.acme().signer());
        assertThat(signatures.byJar().get("lib-a.jar")).isInstanceOf(JarSignature.Unsigned.class);
        assertThat(signatures.allSigners()).containsExactly(
                List.of(SigningKeys.acme().signer(), SigningKeys.other().signer()).stream().sorted().toArray(
                        dev.stigmem.loader.trust.Signer[]::new));
    }

    @Test
    void verifyingTheLoadersWrittenJarsGivesTheSameDecision(@TempDir Path dir) throws Exception {
        ArchiveImage archive = signedArchive(SigningKeys.acme());
        Path plugin = dir.resolve("plugin.jar");
        Path lib = dir.resolve("lib.jar");
        JarSignatureVerifier.write(archive.pluginJar(), plugin);
        JarSignatureVerifier.write(archive.libraries().get(0), lib);
        TrustPolicy policy = trusting(SigningKeys.acme());
        Instant now = Instant.now();

        TrustDecision fromFiles = TrustVerifier.verify(archive,
                Map.of("example-plugin.jar", plugin, "lib-a.jar", lib), policy, now);
        TrustDecision wrongFile = TrustVerifier.verify(archive,
                Map.of("example-plugin.jar", lib, "lib-a.jar", lib), policy, now);

        assertThat(fromFiles).isEqualTo(TrustVerifier.verify(archive, policy, now));
        assertThat(((TrustDecision.Rejected) wrongFile).reason()).isEqualTo(TrustDecision.Reason.INVALID_SIGNATURE);
        assertThatThrownBy(() -> TrustVerifier.verify(archive, Map.of("example-plugin.jar", plugin), policy, now))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lib-a.jar");
    }

    @Test
    void verificationLeavesNoTemporaryFilesBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> count = () -> {
            try (var files = java.nio.file.Files.list(tmp)) {
                return files.filter(p -> p.getFileName().toString().startsWith("stigmem-verify-")).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        ArchiveImage archive = signedArchive(SigningKeys.acme());
        long before = count.get();

        TrustVerifier.verify(archive, trusting(SigningKeys.acme()));

        assertThat(count.get()).isEqualTo(before);
    }
}
