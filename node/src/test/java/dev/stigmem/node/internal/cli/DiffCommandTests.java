package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stigmem diff}: exit 1 exactly when access broadens or the signer set changes. */
class DiffCommandTests {

    private static final String START = "context.getAuditEmitter().ifPresent(a -> a.emit(\"notes.started\", java.util.Map.of()));";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path notes(String jar, String version, List<String> caps, List<String> entryHooks, String start) {
        return PluginJars.notes(dir, jar, version, caps, List.of("PreAssertAuthorize"), entryHooks, start);
    }

    @Test
    void aRebuildWithTheSameAccessAndSignerExitsZero() {
        Path a = PluginJars.sign(notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START), PluginJars.acme());
        Path b = PluginJars.sign(notes("b.jar", "1.0.1", List.of("audit.emit"), List.of(), START), PluginJars.acme());
        assertThat(run("diff", a.toString(), b.toString())).as(out.toString() + err).isZero();
        assertThat(out.toString()).contains("version: 1.0.0 -> 1.0.1").contains("capabilities added: none")
                .contains("signers unchanged").contains("scan findings: 0 new, 0 gone")
                .endsWith("access does not broaden and the signers are the same\n");
    }

    @Test
    void aNewCapabilityExitsOne() {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START);
        Path b = notes("b.jar", "1.1.0", List.of("audit.emit", "tenant.read"), List.of(),
                START + "context.getTenantReader().ifPresent(t -> t.toString());");
        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("capabilities added: tenant.read (read-oriented)")
                .contains("highest impact: read-oriented -> read-oriented\n")
                .contains("ACCESS BROADENS OR SIGNER CHANGED: new capability tenant.read (read-oriented)");
    }

    @Test
    void aRemovedCapabilityDoesNotBroaden() {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit", "tenant.read"), List.of(),
                START + "context.getTenantReader().ifPresent(t -> t.toString());");
        Path b = notes("b.jar", "1.1.0", List.of("audit.emit"), List.of(), START);
        assertThat(run("diff", a.toString(), b.toString())).isZero();
        assertThat(out.toString()).contains("capabilities removed: tenant.read");
    }

    @Test
    void aNewHookExitsOne() {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START);
        Path b = notes("b.jar", "1.0.0", List.of("audit.emit"), List.of("PostAssertPersist"), START);
        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("hooks added: post_assert_persist").contains("new hook post_assert_persist");
    }

    @Test
    void aChangedSignerExitsOneEvenWithTheSameAccess() {
        Path a = PluginJars.sign(notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START), PluginJars.acme());
        Path b = PluginJars.sign(notes("b.jar", "1.0.0", List.of("audit.emit"), List.of(), START), PluginJars.other());
        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("signers CHANGED")
                .contains("  + CN=Other Publisher,O=Other,C=FR [SHA-256 " + PluginJars.other().signer().fingerprint() + "]")
                .contains("  - CN=Acme Plugins,O=Acme,C=DE [SHA-256 " + PluginJars.acme().signer().fingerprint() + "]")
                .contains("ACCESS BROADENS OR SIGNER CHANGED: signer set changed");
    }

    @Test
    void anUnsignedVersionBecomingSignedIsASignerChange() {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START);
        Path b = PluginJars.sign(notes("b.jar", "1.0.0", List.of("audit.emit"), List.of(), START), PluginJars.acme());
        assertThat(run("diff", a.toString(), b.toString())).isEqualTo(1);
    }

    @Test
    void newScanFindingsAreListedWithoutLineNumbers() {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START);
        Path b = notes("b.jar", "1.0.0", List.of("audit.emit"), List.of(), START + "\n\nSystem.exit(3);");
        run("diff", a.toString(), b.toString());
        assertThat(out.toString()).contains("scan findings: 1 new, 0 gone")
                .containsPattern("\\+ DENY [a-z.-]+: java.lang.System#exit\\(I\\)V in com.example.notes.Notes.start\\(Ldev/stigmem/api/PluginContext;\\)V\n")
                .contains("NOTE: the new version has DENY findings; the node would reject it");
    }

    @Test
    void jsonIsIdenticalAcrossRuns() {
        Path a = PluginJars.sign(notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START), PluginJars.acme());
        Path b = PluginJars.sign(notes("b.jar", "2.0.0", List.of("audit.emit", "network.outbound"), List.of("PostAssertPersist"),
                START + "context.getNetworkOutbound().ifPresent(n -> n.toString());"), PluginJars.other());
        assertThat(run("diff", "--json", a.toString(), b.toString())).isEqualTo(1);
        String first = out.toString();
        assertThat(run("diff", "--json", a.toString(), b.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(first);
        assertThat(first).contains("\"added\" : [ \"network.outbound\" ]").contains("\"higher\" : true")
                .contains("\"added\" : [ \"post_assert_persist\" ]").contains("\"changed\" : true")
                .contains("\"broadened\" : true").contains("\"needsAcceptance\" : true");
    }

    @Test
    void anUnreadableArchiveExitsTwoNamingIt() throws Exception {
        Path a = notes("a.jar", "1.0.0", List.of("audit.emit"), List.of(), START);
        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        assertThat(run("diff", a.toString(), corrupt.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(corrupt.toString());
        assertThat(run("diff", dir.resolve("missing.jar").toString(), a.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(dir.resolve("missing.jar").toString());
    }
}
