package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.trust.TrustPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed plugin under test, signed the way the author guide (section 9) says: the JDK's own
 * keytool and jarsigner as processes, the fingerprint read back with keytool -printcert.
 */
class SignedPluginTests {
    private static final String PASSWORD = "test-only-password";

    @TempDir
    static Path dir;
    static PluginArchive signed;
    static PluginArchive unsigned;
    static String fingerprint;

    @BeforeAll
    static void signTheProbe() throws Exception {
        Path classes = Fixtures.compile("probe-plugin", dir.resolve("probe-plugin"));
        unsigned = PluginArchive.fromBuildOutput(classes);
        Path keystore = dir.resolve("acme.p12");
        tool("keytool", "-genkeypair", "-alias", "acme", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=Acme Plugins, O=Acme", "-validity", "730", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path jar = dir.resolve("probe-1.2.3.jar");
        tool("jarsigner", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-digestalg", "SHA-256",
                "-signedjar", jar.toString(), unsigned.path().toString(), "acme");
        fingerprint = tool("keytool", "-printcert", "-jarfile", jar.toString()).lines()
                .map(String::strip).filter(l -> l.startsWith("SHA256:")).findFirst().orElseThrow()
                .substring("SHA256:".length()).strip();
        signed = PluginArchive.of(jar);
    }

    static TrustPolicy trusting(String fp) {
        return TrustPolicy.parse("trust.policy", "trusted-publisher = " + fp + " @ Acme plugins release key\n");
    }

    @Test
    void aNodeThatTrustsThePublisherLoadsTheSignedPlugin() {
        try (TestNode node = TestNode.builder().plugin(signed).trustPolicy(trusting(fingerprint)).start()) {
            assertThat(node.plugin().name()).isEqualTo("probe");
            assertThat(node.plugin().trust()).contains("CN=Acme Plugins");
            node.audit().assertEmitted("node", "plugin.trust_decision", Map.of("plugin", "probe", "trust_decision", "trusted"));
        }
    }

    @Test
    void aNodeThatTrustsNobodyOrSomeoneElseRefusesIt() {
        assertThat(signed.assertRejectedBy(TestNode.builder().trustPolicy(TrustPolicy.signingRequired())))
                .contains("probe-1.2.3.jar").contains(fingerprint);
        // Another key's fingerprint: the first byte changed (the test key is new each run, and one in 256 starts with 00).
        String other = (fingerprint.startsWith("00") ? "01" : "00") + fingerprint.substring(2);
        assertThat(signed.assertRejectedBy(TestNode.builder().trustPolicy(trusting(other)))).contains(fingerprint);
    }

    @Test
    void theUnsignedBuildIsRefusedByATrustingNode() {
        assertThat(unsigned.assertRejectedBy(TestNode.builder().trustPolicy(trusting(fingerprint)))).contains("unsigned");
    }

    private static String tool(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", name).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(name + " " + String.join(" ", args) + "\n" + out).isZero();
        return out;
    }
}
