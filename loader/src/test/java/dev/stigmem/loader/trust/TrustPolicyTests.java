package dev.stigmem.loader.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustPolicyTests {

    private static final String A = "9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08";
    private static final String B = "3b7e7c8a2f1d4e5f60718293a4b5c6d7e8f9001122334455667788990aabbccd";
    private static final String B_CANONICAL =
            "3B:7E:7C:8A:2F:1D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:00:11:22:33:44:55:66:77:88:99:0A:AB:BC:CD";
    private static final String C = "C".repeat(64);
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final String ACK = TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT;

    private static Signer signer(String fingerprint, String subject) {
        return new Signer(fingerprint, subject, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"));
    }

    private static ArchiveSignature signedBy(Signer... signers) {
        var set = new java.util.TreeSet<>(List.of(signers));
        return new ArchiveSignature("p.jar", List.of(new JarSignature.Signed("p.jar", set),
                new JarSignature.Signed("lib.jar", set)));
    }

    @Test
    void policyFileIsParsedWithCommentsAndBlankLines() {
        TrustPolicy policy = TrustPolicy.parse("trust.conf", """
                # trusted publishers
                trusted-publisher = %s @ Acme release key (2026)

                override-publisher=SHA256: %s@pilot, approved in OPS-1234
                certificate-validity = ignore
                development-unsigned = %s
                """.formatted(A, B, ACK));

        assertThat(policy.trustedPublishers()).containsExactly(new Publisher(A, "Acme release key (2026)"));
        assertThat(policy.overridePublishers()).containsExactly(new Publisher(B_CANONICAL, "pilot, approved in OPS-1234"));
        assertThat(policy.certificateValidity()).isEqualTo(TrustPolicy.CertificateValidity.IGNORE);
        assertThat(policy.unsignedDevelopmentMode()).isTrue();
    }

    @Test
    void emptyPolicyFileIsTheDefaultSigningRequiredPolicy() {
        TrustPolicy policy = TrustPolicy.parse("trust.conf", "# nothing trusted yet\n");

        assertThat(policy.trustedPublishers()).isEmpty();
        assertThat(policy.overridePublishers()).isEmpty();
        assertThat(policy.certificateValidity()).isEqualTo(TrustPolicy.CertificateValidity.ENFORCE);
        assertThat(policy.unsignedDevelopmentMode()).isFalse();
        assertThat(policy.toString()).isEqualTo(TrustPolicy.signingRequired().toString());
    }

    @Test
    void everyProblemOfAPolicyFileIsReportedWithItsLine() {
        String text = String.join("\n",
                "trusted-publisher = " + A + " @ Acme",          // 1 ok
                "trusted-publiser = " + B + " @ typo",            // 2 unknown directive
                "trusted-publisher " + B,                          // 3 no '='
                "trusted-publisher = 12:34 @ short",               // 4 bad fingerprint
                "override-publisher = " + B,                       // 5 no '@'
                "override-publisher = " + C + " @   ",             // 6 blank label
                "override-publisher = " + A.toLowerCase(java.util.Locale.ROOT) + " @ again", // 7 duplicate of 1
                "certificate-validity = sometimes",                // 8 bad value
                "certificate-validity = enforce",                  // 9 ok
                "certificate-validity = ignore",                   // 10 set twice
                "development-unsigned = true");                    // 11 wrong acknowledgement

        assertThatThrownBy(() -> TrustPolicy.parse("node/trust.conf", text))
                .isInstanceOfSatisfying(TrustPolicyException.class, e -> {
                    assertThat(e.subject()).isEqualTo("node/trust.conf");
                    assertThat(e.problems()).hasSize(9);
                    assertThat(e.problems().get(0)).startsWith("node/trust.conf:2: unknown directive 'trusted-publiser'");
                    assertThat(e.problems().get(1)).startsWith("node/trust.conf:3: expected 'directive = value'");
                    assertThat(e.problems().get(2)).startsWith("node/trust.conf:4: '12:34' is not a SHA-256");
                    assertThat(e.problems().get(3)).startsWith("node/trust.conf:5: override-publisher needs 'FINGERPRINT @ label'");
                    assertThat(e.problems().get(4)).startsWith("node/trust.conf:6: publisher CC:CC").contains("needs a label");
                    assertThat(e.problems().get(5)).isEqualTo("node/trust.conf:7: publisher " + A + " is already listed at line 1");
                    assertThat(e.problems().get(6)).startsWith("node/trust.conf:8: certificate-validity must be 'enforce' or 'ignore'");
                    assertThat(e.problems().get(7)).isEqualTo("node/trust.conf:10: certificate-validity is already set at line 9");
                    assertThat(e.problems().get(8)).startsWith("node/trust.conf:11: unsigned development mode needs the acknowledgement value");
                    assertThat(e.getMessage()).startsWith("invalid trust policy node/trust.conf (9 problems):");
                });
    }

    @Test
    void policyFileIsReadFromDiskAsStrictUtf8(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("trust.conf");
        Files.writeString(good, "trusted-publisher = " + A + " @ Acme Ünïcode GmbH\n", StandardCharsets.UTF_8);
        Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, ("trusted-publisher = " + A + " @ Acme \u00dcnicode\n").getBytes(StandardCharsets.ISO_8859_1));
        Path huge = dir.resolve("huge.conf");
        Files.write(huge, new byte[TrustPolicyFormat.MAX_BYTES + 1]);
        Path missing = dir.resolve("missing.conf");

        assertThat(TrustPolicy.read(good).trustedPublishers()).extracting(Publisher::label)
                .containsExactly("Acme Ünïcode GmbH");
        assertThatThrownBy(() -> TrustPolicy.read(latin1)).isInstanceOf(TrustPolicyException.class)
                .hasMessageContaining(latin1 + ": not UTF-8 text");
        assertThatThrownBy(() -> TrustPolicy.read(huge)).isInstanceOf(TrustPolicyException.class)
                .hasMessageContaining("larger than 1048576 bytes");
        assertThatThrownBy(() -> TrustPolicy.read(missing)).isInstanceOf(TrustPolicyException.class)
                .hasMessageContaining(missing + ": cannot read: no such file");
    }

    @Test
    void builderRejectsBadValuesAtTheCallThatAddsThem() {
        TrustPolicy.Builder builder = TrustPolicy.builder().trustedPublisher(A, "Acme");

        assertThatThrownBy(() -> builder.trustedPublisher(A.replace(':', '-'), "Acme"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a SHA-256 certificate fingerprint");
        assertThatThrownBy(() -> builder.overridePublisher(A, "again")).isInstanceOf(IllegalStateException.class)
                .hasMessage("publisher " + A + " is already listed as trusted-publisher");
        assertThatThrownBy(() -> builder.overridePublisher(B, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.unsignedDevelopmentMode("yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ACK);
        assertThat(builder.unsignedDevelopmentMode(ACK).build().unsignedDevelopmentMode()).isTrue();
    }

    @Test
    void fingerprintsAreAcceptedAsKeytoolPrintsThemAndNothingElse() {
        assertThat(Signer.canonicalFingerprint(B)).isEqualTo(B_CANONICAL);
        assertThat(Signer.canonicalFingerprint("SHA-256: " + B_CANONICAL.toLowerCase(java.util.Locale.ROOT)))
                .isEqualTo(B_CANONICAL);
        assertThat(Signer.canonicalFingerprint(" " + A + " ")).isEqualTo(A);

        for (String bad : List.of(B.substring(1), B + "0", B.replace('3', 'g'), A.replace("9F:", "9F-"),
                "\u0663".repeat(64), A.substring(0, 94) + ":", "")) {
            assertThatThrownBy(() -> Signer.canonicalFingerprint(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void oneTrustedSignerInTheSetMakesTheArchiveTrusted() {
        Signer acme = signer(A, "CN=Acme");
        Signer unknown = signer(C, "CN=Co-signer");
        Signer overridden = signer(B, "CN=Pilot");
        TrustPolicy policy = TrustPolicy.builder().trustedPublisher(A, "Acme").overridePublisher(B, "pilot").build();

        assertThat(policy.decide(signedBy(acme, unknown), NOW)).isInstanceOf(TrustDecision.Trusted.class);
        assertThat(policy.decide(signedBy(acme, overridden), NOW)).isInstanceOf(TrustDecision.Trusted.class);
        assertThat(policy.decide(signedBy(overridden, unknown), NOW)).isInstanceOf(TrustDecision.OperatorOverride.class);
        assertThat(((TrustDecision.Rejected) policy.decide(signedBy(unknown), NOW)).reason())
                .isEqualTo(TrustDecision.Reason.UNKNOWN_SIGNER);
    }

    @Test
    void certificateValidityBoundsAreInclusive() {
        Signer acme = signer(A, "CN=Acme");
        TrustPolicy policy = TrustPolicy.builder().trustedPublisher(A, "Acme").build();

        assertThat(policy.decide(signedBy(acme), acme.notBefore()).accepted()).isTrue();
        assertThat(policy.decide(signedBy(acme), acme.notAfter()).accepted()).isTrue();
        assertThat(((TrustDecision.Rejected) policy.decide(signedBy(acme), acme.notBefore().minusMillis(1))).reason())
                .isEqualTo(TrustDecision.Reason.CERTIFICATE_NOT_YET_VALID);
        assertThat(((TrustDecision.Rejected) policy.decide(signedBy(acme), acme.notAfter().plusMillis(1))).reason())
                .isEqualTo(TrustDecision.Reason.CERTIFICATE_EXPIRED);
    }

    @Test
    void expiredCoSignerRejectsTheArchiveToo() {
        Signer acme = signer(A, "CN=Acme");
        Signer expired = new Signer(C, "CN=Old", Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"));
        TrustPolicy policy = TrustPolicy.builder().trustedPublisher(A, "Acme").build();

        var rejected = (TrustDecision.Rejected) policy.decide(signedBy(acme, expired), NOW);

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.CERTIFICATE_EXPIRED);
        assertThat(rejected.message()).contains("CN=Old");
    }

    @Test
    void invalidJarIsRejectedWhateverThePolicy() {
        TrustPolicy permissive = TrustPolicy.builder().trustedPublisher(A, "Acme").unsignedDevelopmentMode(ACK)
                .certificateValidity(TrustPolicy.CertificateValidity.IGNORE).build();
        var signatures = new ArchiveSignature("p.zip", List.of(
                new JarSignature.Signed("p.jar", new java.util.TreeSet<>(List.of(signer(A, "CN=Acme")))),
                new JarSignature.Invalid("lib.jar", Optional.of("a/B.class"), "entry 'a/B.class' is not signed")));

        var rejected = (TrustDecision.Rejected) permissive.decide(signatures, NOW);

        assertThat(rejected.reason()).isEqualTo(TrustDecision.Reason.INVALID_SIGNATURE);
        assertThat(rejected.message())
                .isEqualTo("archive 'p.zip' rejected: jar 'lib.jar': entry 'a/B.class' is not signed");
        assertThat(rejected.jar()).contains("lib.jar");
        assertThat(rejected.entry()).contains("a/B.class");
    }

    @Test
    void decisionsAreDeterministic() {
        TrustPolicy policy = TrustPolicy.builder().trustedPublisher(A, "Acme").build();
        ArchiveSignature signatures = signedBy(signer(C, "CN=Z"), signer(B, "CN=Y"));

        assertThat(policy.decide(signatures, NOW)).isEqualTo(policy.decide(signatures, NOW));
        assertThat(((TrustDecision.Rejected) policy.decide(signatures, NOW)).message())
                .contains("signed by [CN=Y [SHA-256 " + B_CANONICAL + "], CN=Z [SHA-256 " + C.replaceAll("(..)(?!$)", "$1:") + "]]");
    }

    @Test
    void developmentModeWarnsOnEveryUnsignedDecision() {
        TrustPolicy development = TrustPolicy.builder().unsignedDevelopmentMode(ACK).build();
        var unsigned = new ArchiveSignature("dev-plugin.jar", List.of(new JarSignature.Unsigned("dev-plugin.jar")));
        PrintStream original = System.err;
        var captured = new ByteArrayOutputStream();
        TrustDecision decision;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            decision = development.decide(unsigned, NOW);
        } finally {
            System.setErr(original);
        }

        assertThat(decision.auditValue()).isEqualTo("development_unsigned_override");
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN", "UNSIGNED PLUGIN ACCEPTED", "dev-plugin.jar", "development_unsigned_override");
    }

    @Test
    void signerChangeComparesSignersByFingerprint() {
        Signer acme = signer(A, "CN=Acme");
        Signer other = signer(B, "CN=Other");
        var unsigned = new ArchiveSignature("p.jar", List.of(new JarSignature.Unsigned("p.jar")));

        SignerChange same = SignerChange.between(signedBy(acme), signedBy(acme));
        SignerChange swapped = SignerChange.between(signedBy(acme), signedBy(other));
        SignerChange nowSigned = SignerChange.between(unsigned, signedBy(acme));

        assertThat(same.changed()).isFalse();
        assertThat(same.kept()).containsExactly(acme);
        assertThat(swapped.changed()).isTrue();
        assertThat(swapped.added()).containsExactly(other);
        assertThat(swapped.removed()).containsExactly(acme);
        assertThat(nowSigned.added()).containsExactly(acme);
        assertThat(nowSigned.removed()).isEmpty();
    }
}
