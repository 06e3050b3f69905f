package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stigmem review}: the operator checklist over real archives, nothing loaded. */
class ReviewCommandTests {

    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));
    private static final String AUDITED_START = "context.getAuditEmitter().ifPresent(a -> a.emit(\"notes.started\", java.util.Map.of()));";
    private static final String WRITING_START = AUDITED_START
            + "context.getFactsWriter().ifPresent(w -> w.retract(\"f1\", \"cleanup\"));";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path v1() {
        return PluginJars.notes(dir, "notes-1.jar", "1.0.0", List.of("audit.emit"), List.of("PreAssertAuthorize"), List.of(),
                AUDITED_START);
    }

    private Path v2Broad() {
        return PluginJars.notes(dir, "notes-2.jar", "2.0.0", List.of("audit.emit", "facts.write"),
                List.of("PreAssertAuthorize"), List.of("PostAssertPersist"), WRITING_START);
    }

    @Test
    void unsignedArchiveUnderTheDefaultPolicyIsRejectedWithExitOne() {
        assertThat(run("review", EXAMPLES.resolve("greeter-plugin.jar").toString())).as(err.toString()).isEqualTo(1);
        assertThat(out.toString())
                .contains("plugin 'greeter' 1.0.0")
                .contains("1. Signer and trust decision\n   REJECTED (UNSIGNED)")
                .contains("REJECT: trust: UNSIGNED");
    }

    @Test
    void signedByATrustedPublisherAnswersEveryItemAndExitsZero() {
        Path jar = PluginJars.sign(v1(), PluginJars.acme());
        Path policy = PluginJars.trusting(dir, PluginJars.acme());
        assertThat(run("review", jar.toString(), "--trust-policy", policy.toString())).as(out + "" + err).isZero();
        assertThat(out.toString())
                .contains("hooks: pre_assert_authorize")
                .contains("   trusted, signed by CN=Acme Plugins,O=Acme,C=DE [" + PluginJars.acme().signer().fingerprint() + "]")
                .contains("audit.emit        read-oriented declared  used")
                .contains("3. Broad write, tenant, federation, identity or outbound-network access\n   none declared")
                .contains("4. Audit events for side effects\n   yes: declares audit.emit and its code uses the AuditEmitter")
                .contains("5. Changes since the installed version\n   not compared")
                .contains("ACCEPT: the node would load this archive");
    }

    @Test
    void broadWriteAccessIsFlaggedWithTheReferenceGuidanceAndHooksComeFromSupertypesInTheArchive() {
        Path jar = v2Broad();
        assertThat(run("review", jar.toString(), "--trust-policy", PluginJars.development(dir).toString())).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("hooks: pre_assert_authorize, post_assert_persist")
                .contains("development_unsigned_override, unsigned")
                .contains("facts.write       high impact   declared  used")
                .contains("FLAG facts.write (high impact): Write-oriented fact access. High impact. Confirm writes are namespaced, auditable, and bounded by operator policy.")
                .contains("yes: declares audit.emit and its code uses the AuditEmitter; its side-effecting capabilities: facts.write");
    }

    @Test
    void sideEffectsWithoutAuditEmitAreCalledOut() {
        Path jar = PluginJars.notes(dir, "silent.jar", "1.0.0", List.of("facts.write"), List.of(), List.of(),
                "context.getFactsWriter().ifPresent(w -> w.retract(\"f1\", \"x\"));");
        assertThat(run("review", jar.toString(), "--trust-policy", PluginJars.development(dir).toString())).isZero();
        assertThat(out.toString()).contains("NO: side effects without audit events (audit.emit not declared); its side-effecting capabilities: facts.write")
                .contains("hooks: none");
    }

    @Test
    void anAccessorUsedWithoutDeclaringIsShownNextToTheManifestAndRejects() {
        assertThat(run("review", EXAMPLES.resolve("bad-undeclared-accessor.jar").toString(),
                "--trust-policy", PluginJars.development(dir).toString())).isEqualTo(1);
        assertThat(out.toString()).contains("facts.write       high impact   -         USED WITHOUT DECLARING (denied)")
                .contains("audit.emit        read-oriented declared  not used")
                .contains("REJECT: scan: REJECT: 4 findings");
    }

    @Test
    void withPreviousItemFiveListsTheChangesAndABroadeningUpgradeExitsOne() {
        Path old = v1();
        Path candidate = v2Broad();
        assertThat(run("review", candidate.toString(), "--previous", old.toString(),
                "--trust-policy", PluginJars.development(dir).toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("version: 1.0.0 -> 2.0.0")
                .contains("capabilities added: facts.write (high impact)")
                .contains("highest impact: read-oriented -> high impact (HIGHER)")
                .contains("hooks added: post_assert_persist")
                .contains("ACCEPT: the node would load this archive\nUPGRADE NEEDS ACCEPTANCE: new capability facts.write (high impact); "
                        + "highest impact rises from read-oriented to high impact; new hook post_assert_persist");
    }

    @Test
    void sarifCarriesTheScanFindingsAndTheChecklistItemsThatNeedADecision() throws IOException {
        Path old = v1();
        Path candidate = v2Broad();
        Path sarif = dir.resolve("review.sarif");
        assertThat(run("review", candidate.toString(), "--previous", old.toString(), "--sarif", sarif.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("5. Changes since the installed version");

        JsonNode run = new ObjectMapper().readTree(sarif.toFile()).get("runs").get(0);
        assertThat(run.at("/tool/driver/rules").findValuesAsText("id"))
                .containsExactly("review.capability.broad", "review.trust", "review.upgrade");
        assertThat(run.at("/results").findValuesAsText("ruleId"))
                .containsExactly("review.trust", "review.capability.broad", "review.upgrade");
        JsonNode broad = run.at("/results/1");
        assertThat(broad.get("level").asText()).isEqualTo("warning");
        assertThat(broad.at("/message/text").asText()).startsWith("facts.write (high impact): Write-oriented fact access.");
        assertThat(broad.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).endsWith("notes-2.jar");
        assertThat(broad.at("/locations/0/logicalLocations/0/kind").asText()).isEqualTo("type");
        assertThat(run.at("/tool/driver/rules/0/help/text").asText()).startsWith("Checklist item 3: reject broad write");
        assertThat(run.at("/results/0/level").asText()).isEqualTo("error");
        assertThat(run.at("/results/2/message/text").asText()).contains("new capability facts.write (high impact)");
    }

    @Test
    void sarifOfARejectedScanHasItsFindingsAndToStandardOutputReplacesTheReview() throws IOException {
        assertThat(run("review", EXAMPLES.resolve("bad-undeclared-accessor.jar").toString(), "--sarif", "-",
                "--trust-policy", PluginJars.development(dir).toString())).isEqualTo(1);
        JsonNode log = new ObjectMapper().readTree(out.toString());
        assertThat(log.at("/runs/0/results").findValuesAsText("ruleId"))
                .contains("capability.accessor", "capability.handle", "capability.unused").doesNotContain("review.trust");
    }

    @Test
    void jsonIsIdenticalAcrossRunsAndCarriesEveryItem() {
        Path old = v1();
        Path candidate = v2Broad();
        String[] args = {"review", "--json", candidate.toString(), "--previous", old.toString(),
                "--trust-policy", PluginJars.development(dir).toString()};
        assertThat(run(args)).isEqualTo(1);
        String first = out.toString();
        assertThat(run(args)).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(first);
        assertThat(first).startsWith("{").contains("\"decision\" : \"development_unsigned_override\"")
                .contains("\"hooks\" : [ \"pre_assert_authorize\", \"post_assert_persist\" ]")
                .contains("\"id\" : \"facts.write\"").contains("\"flagged\" : true")
                .contains("\"usesAuditEmitter\" : true")
                .contains("\"previous\" : {").contains("\"upgradeNeedsAcceptance\" : true");
    }

    @Test
    void aMissingArchiveExitsTwoNamingIt() {
        Path missing = dir.resolve("nope.jar");
        assertThat(run("review", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(missing.toString());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aCorruptArchiveExitsTwoNamingIt() throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        assertThat(run("review", corrupt.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(corrupt.toString());
        assertThat(run("review", v1().toString(), "--previous", corrupt.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(corrupt.toString());
    }

    @Test
    void aBrokenTrustPolicyIsAnInputError() throws IOException {
        Path policy = Files.writeString(dir.resolve("bad.policy"), "trusted-publisher = not-a-fingerprint @ x\n");
        assertThat(run("review", v1().toString(), "--trust-policy", policy.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(policy.toString());
    }

    @Test
    void aRefusedDeclarationIsARejectionNotAnInputError() {
        Path bad = PluginJars.invalidManifest(dir, "bad-manifest.jar");
        assertThat(run("review", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(bad.toString()).contains("Bad Name");
        assertThat(run("diff", v1().toString(), bad.toString())).isEqualTo(1);
    }
}
