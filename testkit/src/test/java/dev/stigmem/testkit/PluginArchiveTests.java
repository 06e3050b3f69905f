package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.node.NodeStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Packing build output, the scan assertions and the node's refusal, on real plugins. */
class PluginArchiveTests {
    @TempDir
    static Path project;
    static Path classes;

    @BeforeAll
    static void build() {
        classes = Fixtures.compile("probe-plugin", project.resolve("probe-plugin"));
    }

    @Test
    void aClassesDirectoryIsPackedDeterministicallyBesideIt() throws IOException {
        PluginArchive one = PluginArchive.fromBuildOutput(classes);
        byte[] first = Files.readAllBytes(one.path());
        // A rebuild touches every file: the archive must not change.
        try (var files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2031-05-06T07:08:09Z")));
            }
        }
        PluginArchive two = PluginArchive.fromBuildOutput(classes);
        assertThat(two.path()).isEqualTo(project.resolve("probe-plugin/target/stigmem-testkit/probe-plugin.jar"));
        assertThat(Files.readAllBytes(two.path())).isEqualTo(first);
        assertThat(one.moduleName()).contains("com.example.probe");
        try (JarFile jar = new JarFile(one.path().toFile())) {
            assertThat(jar.stream().map(e -> e.getName()))
                    .containsExactly("META-INF/MANIFEST.MF", "com/example/probe/ProbePlugin.class", "module-info.class");
            assertThat(jar.stream().map(e -> e.getTimeLocal()))
                    .containsOnly(java.time.LocalDateTime.of(2000, 1, 1, 0, 0));
        }
    }

    @Test
    void aMissingBuildOutputSaysWhatToDo() {
        assertThatThrownBy(() -> PluginArchive.fromBuildOutput(project.resolve("nowhere/target/classes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nowhere/target/classes does not exist")
                .hasMessageContaining("run the tests with Maven");
    }

    @Test
    void anUnknownLibraryListsTheJarsItLookedAt() {
        assertThatThrownBy(() -> PluginArchive.fromBuildOutput(classes, "no-such-library"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no jar on the test class path or module path matches library 'no-such-library'")
                .hasMessageContaining("Jars seen:");
    }

    @Test
    void aCleanPluginPassesTheScanWithLeastPrivilege() {
        PluginArchive.fromBuildOutput(classes).scan().assertAccepted().assertLeastPrivilege()
                .assertUses(Capability.FACTS_READ, Capability.AUDIT_EMIT, Capability.CONFIG_READ, Capability.NETWORK_OUTBOUND)
                .assertNoFinding(RuleIds.REFERENCE_NOT_ALLOWED);
    }

    @Test
    void theMisbehavingExampleHasTheFindingAndFailsTheOtherAssertions() {
        ScanOutcome scan = Fixtures.example("bad-undeclared-accessor.jar").scan();
        Finding f = scan.assertDenied(RuleIds.CAPABILITY_ACCESSOR);
        assertThat(f.target()).contains("getFactsWriter");
        assertThatThrownBy(scan::assertAccepted).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("DENY " + RuleIds.CAPABILITY_ACCESSOR);
        assertThatThrownBy(scan::assertLeastPrivilege).isInstanceOf(AssertionFailedError.class);
        assertThatThrownBy(() -> scan.assertDenied(RuleIds.REFERENCE_NOT_ALLOWED)).isInstanceOf(AssertionFailedError.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "bad-undeclared-accessor.jar, capability.accessor, getFactsWriter",
            "bad-raw-socket.jar,          network.raw,         java.net.Socket",
            "bad-reflection.jar,          reflection,          setAccessible"})
    void everyMisbehavingExampleIsDeniedByTheScanAndRefusedByTheNode(String jar, String rule, String target) {
        PluginArchive bad = Fixtures.example(jar);
        assertThat(bad.scan().assertDenied(rule).target()).isNotEmpty();
        assertThat(bad.scan().report().findings(rule)).anyMatch(f -> f.target().contains(target));
        assertThat(bad.assertRejectedByNode()).contains(jar).contains("DENY " + rule);
    }

    @Test
    void theNodeRefusesTheMisbehavingExampleWithItsReport() {
        String refusal = Fixtures.example("bad-undeclared-accessor.jar").assertRejectedByNode();
        assertThat(refusal).contains("bad-undeclared-accessor.jar").contains(RuleIds.CAPABILITY_ACCESSOR);
        assertThatThrownBy(() -> TestNode.builder().plugin(Fixtures.example("bad-undeclared-accessor.jar")).start())
                .isInstanceOf(NodeStartException.class);
    }

    @Test
    void expectingARefusalOfACleanPluginFails() {
        assertThatThrownBy(() -> PluginArchive.fromBuildOutput(classes).assertRejectedByNode())
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("but it started with [probe]");
    }

    @Test
    void aZipWithAPrivateLibraryLoadsAsOnePlugin() {
        try (TestNode node = TestNode.builder().plugin(Fixtures.example("library-plugin.zip")).start()) {
            assertThat(node.plugin().archive().getFileName().toString()).isEqualTo("library-plugin.zip");
        }
    }

    @Test
    void pluginsLoadAlongsideThePluginUnderTest() {
        try (TestNode node = TestNode.builder().plugin(PluginArchive.fromBuildOutput(classes))
                .alongside(Fixtures.example("greeter-plugin.jar")).start()) {
            assertThat(node.plugins()).extracting(p -> p.name()).containsExactlyInAnyOrder("greeter", "probe");
            assertThat(node.plugin().name()).isEqualTo("probe");
        }
    }
}
