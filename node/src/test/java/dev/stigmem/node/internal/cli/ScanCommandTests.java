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
                .isEqualTo("com/example/bad/undeclared/SneakyWriter.java");
        assertThat(accessor.at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asText()).isEqualTo("SRCROOT");
        assertThat(accessor.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(13);
        assertThat(accessor.at("/relatedLocations/0/physicalLocation/artifactLocation/uri").asText())
                .isEqualTo("com/example/bad/undeclared/SneakyWriter.class");
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

    @Test
    void eachArchiveIsReportedOnItsOwnAndAnArchiveNotJudgedMakesTheBatchExitTwo(@TempDir Path dir) throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        // 2,100 entries of 64 KiB: a 2 MiB file declaring more than the 128 MiB an archive may hold.
        Path overBudget = HostileArchives.zeros(dir, "over-budget.jar", 2_100);
        Path broken = HostileArchives.brokenDeflate(dir, "broken.jar");
        Path greeter = EXAMPLES.resolve("greeter-plugin.jar");
        Path rawSocket = EXAMPLES.resolve("bad-raw-socket.jar");

        assertThat(run("scan", greeter.toString(), corrupt.toString(), overBudget.toString(), rawSocket.toString(), broken.toString()))
                .isEqualTo(2);
        String text = out.toString();
        assertThat(text)
                .contains("Scan of " + greeter + System.lineSeparator())
                .contains("ERROR plugin archive '" + corrupt + "', entry 'corrupt.jar': is not a safe zip: the file is too short to be a zip")
                .contains("ERROR plugin archive '" + overBudget + "': its 2102 entries declare ")
                .contains("more than the memory budget of 134217728 bytes per archive (maxHeldBytes); nothing was inflated")
                .contains("DENY network.raw: java.net.Socket")
                .contains("ERROR plugin archive '" + broken + "', entry 'broken.jar!/a.txt': cannot be inflated: invalid zip data (")
                .endsWith("5 archives scanned: 1 accepted, 1 rejected, 3 unreadable" + System.lineSeparator());
        // Reports in argument order.
        assertThat(text.indexOf("Scan of " + greeter)).isLessThan(text.indexOf("Scan of " + corrupt));
        assertThat(text.indexOf("Scan of " + rawSocket)).isLessThan(text.indexOf("Scan of " + broken));
        // In words: no exception class in the human report.
        assertThat(text).doesNotContain("Exception").doesNotContain("java.util.zip");

        // Rejected and accepted, nothing unjudged: 1.
        out.getBuffer().setLength(0);
        assertThat(run("scan", greeter.toString(), rawSocket.toString())).isEqualTo(1);
    }

    @Test
    void theCauseClassIsShownWithVerboseAndAlwaysInTheJson(@TempDir Path dir) throws IOException {
        Path broken = HostileArchives.brokenDeflate(dir, "broken.jar");
        assertThat(run("scan", "--verbose", broken.toString())).isEqualTo(2);
        assertThat(out.toString()).contains("ERROR plugin archive '" + broken + "', entry 'broken.jar!/a.txt': cannot be inflated: "
                + "invalid zip data (").contains(System.lineSeparator() + "  caused by java.util.zip.ZipException: ");
        out.getBuffer().setLength(0);
        assertThat(run("scan", "--json", broken.toString())).isEqualTo(2);
        assertThat(out.toString()).contains("\"cause\" : \"java.util.zip.ZipException\"")
                .contains("\"error\" : \"plugin archive '" + broken + "', entry 'broken.jar!/a.txt': cannot be inflated: invalid zip data (");
    }

    @Test
    void namesFromArchivesAndFileNamesCannotForgeLinesOfTheReport(@TempDir Path dir) throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        // A file name and an entry name that would print a forged report line and clear the screen.
        Path forgedFile = Files.copy(EXAMPLES.resolve("greeter-plugin.jar"),
                plugins.resolve("a\nREJECT: 0 findings\u001b[2J.jar"));
        Path forgedEntry = HostileArchives.unsupportedMethod(plugins, "b.jar", "x\nACCEPT: 0 findings\u001b[2J\u202e");
        assertThat(run("scan", "--plugins", plugins.toString())).isEqualTo(2);
        String text = out.toString();
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u202e")
                .contains("Scan of " + plugins + "/a\\u000aREJECT: 0 findings\\u001b[2J.jar" + System.lineSeparator()
                        + "ERROR plugin archive '" + plugins + "/a\\u000aREJECT: 0 findings\\u001b[2J.jar': jar name ")
                .contains("entry 'x\\u000aACCEPT: 0 findings\\u001b[2J\\u202e' uses compression method 12");
        // Every line the report prints is one of its own: a header, a verdict, a blank line per archive, the summary.
        assertThat(text.lines().filter(l -> l.startsWith("REJECT") || l.startsWith("ACCEPT"))).isEmpty();
        assertThat(text.lines()).hasSize(7);
        assertThat(forgedFile).exists();
        assertThat(forgedEntry).exists();
    }
}
