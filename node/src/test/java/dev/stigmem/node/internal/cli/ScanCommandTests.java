package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stigmem scan} over the example plugins the reactor builds. */
class ScanCommandTests {

    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void cleanArchivesExitZero() {
        assertThat(run("scan", EXAMPLES.resolve("greeter-plugin.jar").toString(), EXAMPLES.resolve("library-plugin.zip").toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("ACCEPT: 0 findings").endsWith("2 archives scanned: 2 accepted, 0 rejected, 0 unreadable" + System.lineSeparator());
    }

    @Test
    void anOverReachingArchiveExitsOneWithEntryClassMethodLineRuleAndReason() {
        assertThat(run("scan", EXAMPLES.resolve("bad-undeclared-accessor.jar").toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("DENY capability.accessor: dev.stigmem.api.PluginContext#getFactsWriter()Ljava/util/Optional; "
                        + "[getFactsWriter needs capability 'facts.write', which the manifest does not declare]")
                .contains("in com.example.bad.undeclared.SneakyWriter.start(Ldev/stigmem/api/PluginContext;)V "
                        + "(bad-undeclared-accessor.jar!com/example/bad/undeclared/SneakyWriter.class:13)")
                .contains("WARN capability.unused: audit.emit");
    }

    @Test
    void anUnreadableArchiveExitsTwoNamingIt(@TempDir Path dir) throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        assertThat(run("scan", EXAMPLES.resolve("bad-raw-socket.jar").toString(), corrupt.toString())).isEqualTo(2);
        assertThat(out.toString()).contains("Scan of " + corrupt + System.lineSeparator() + "ERROR plugin archive '" + corrupt + "'")
                .contains("2 archives scanned: 0 accepted, 1 rejected, 1 unreadable");
    }

    @Test
    void pluginDirectoryIsScannedAndJsonIsIdenticalAcrossRuns(@TempDir Path plugins) throws IOException {
        for (String a : new String[] {"greeter-plugin.jar", "bad-reflection.jar", "library-plugin.zip"}) {
            Files.copy(EXAMPLES.resolve(a), plugins.resolve(a));
        }
        assertThat(run("scan", "--json", "--plugins", plugins.toString())).isEqualTo(1);
        String first = out.toString();
        out.getBuffer().setLength(0);
        assertThat(run("scan", "--json", "--plugins", plugins.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(first);
        assertThat(first).startsWith("[").contains("\"archive\" : \"" + plugins.resolve("bad-reflection.jar"))
                .contains("\"rule\" : \"reflection\"");
    }

    @Test
    void aRefusedDeclarationIsARejectionNotAnInputError(@TempDir Path dir) throws IOException {
        // A jar with no entry class: readable, but not a plugin.
        Path notAPlugin = dir.resolve("not-a-plugin.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(notAPlugin))) {
            out.putNextEntry(new java.util.jar.JarEntry("readme.txt"));
            out.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(run("scan", notAPlugin.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("REJECT plugin archive '" + notAPlugin + "'").contains("0 accepted, 1 rejected, 0 unreadable");
    }

    @Test
    void sarifFileHoldsEveryArchiveFindingsRefusalsAndErrors(@TempDir Path dir) throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        Path notAPlugin = dir.resolve("not-a-plugin.jar");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(notAPlugin))) {
            jar.putNextEntry(new java.util.jar.JarEntry("readme.txt"));
        }
        Path sarif = dir.resolve("reports/scan.sarif");
        assertThat(run("scan", "--sarif", sarif.toString(), EXAMPLES.resolve("bad-undeclared-accessor.jar").toString(),
                EXAMPLES.resolve("library-plugin.zip").toString(), notAPlugin.toString(), corrupt.toString())).isEqualTo(2);
        // The text report still goes to standard output.
        assertThat(out.toString()).contains("4 archives scanned: 1 accepted, 2 rejected, 1 unreadable");

        JsonNode run = new ObjectMapper().readTree(sarif.toFile()).get("runs").get(0);
        assertThat(run.at("/tool/driver/rules").findValuesAsText("id"))
                .containsExactly("capability.accessor", "capability.handle", "capability.unused", "plugin.declaration");
        JsonNode accessor = null;
        for (JsonNode r : run.get("results")) {
            if (r.get("ruleId").asText().equals("capability.accessor")) {
                accessor = r;
            }
        }
        assertThat(accessor).isNotNull();
        assertThat(accessor.get("level").asText()).isEqualTo("error");
        assertThat(accessor.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
                .isEqualTo("com/example/bad/undeclared/SneakyWriter.class");
        assertThat(accessor.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(13);
        assertThat(accessor.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText())
                .isEqualTo("com.example.bad.undeclared.SneakyWriter.start(Ldev/stigmem/api/PluginContext;)V");
        assertThat(run.at("/results").findValuesAsText("ruleId")).contains("plugin.declaration");
        assertThat(run.at("/invocations/0/executionSuccessful").asBoolean()).isFalse();
        assertThat(run.at("/invocations/0/toolExecutionNotifications/0/message/text").asText()).contains(corrupt.toString());
        assertThat(run.at("/properties/archives").findValuesAsText("verdict")).containsExactly("REJECT", "ACCEPT");
    }

    @Test
    void sarifToStandardOutputReplacesTheReport() throws IOException {
        assertThat(run("scan", "--sarif", "-", EXAMPLES.resolve("bad-raw-socket.jar").toString())).isEqualTo(1);
        JsonNode log = new ObjectMapper().readTree(out.toString());
        assertThat(log.get("version").asText()).isEqualTo("2.1.0");
        assertThat(log.at("/runs/0/results").findValuesAsText("ruleId")).containsOnly("network.raw");
        assertThat(log.at("/runs/0/tool/driver/rules/0/help/text").asText())
                .isEqualTo("Raw network access bypasses network.outbound; use the NetworkOutbound handle");
    }

    @Test
    void anUnwritableSarifFileIsAnInputError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(run("scan", "--sarif", file.resolve("scan.sarif").toString(), EXAMPLES.resolve("greeter-plugin.jar").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cannot write the SARIF log " + file.resolve("scan.sarif"));
    }

    @Test
    void nothingToScanIsAUsageError() {
        assertThat(run("scan")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to scan");
    }

    @Test
    void aBrokenOperatorPolicyIsAnInputError(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("operator.policy"), "frobnicate everything\n");
        assertThat(run("scan", "--policy", policy.toString(), EXAMPLES.resolve("greeter-plugin.jar").toString())).isEqualTo(2);
        assertThat(err.toString()).contains(policy.toString() + ":1");
    }
}
