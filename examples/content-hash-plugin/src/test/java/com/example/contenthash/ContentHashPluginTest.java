package com.example.contenthash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The plugin with commons-codec bundled, in a node: the scan accepts the archive and the hash is the JDK's SHA-256. */
@PluginTest
class ContentHashPluginTest {

    @Test
    void stampsTheContentHashAndIdComputedWithTheBundledLibrary(TestNode node, PluginArchive archive) throws Exception {
        assertThat(archive.path().getFileName().toString()).endsWith("-with-libraries.zip");
        Fact f = node.assertFact("alice", FactDraft.of("tea", "is", "a drink", "default"));
        byte[] expected = MessageDigest.getInstance("SHA-256").digest("tea\u001fis\u001fa drink".getBytes(StandardCharsets.UTF_8));
        assertThat(f.attributes()).containsEntry("content-sha256", HexFormat.of().formatHex(expected));
        assertThat(f.attributes().get("content-id")).matches("[a-z2-7]{16}");
        Fact same = node.assertFact("bob", FactDraft.of("tea", "is", "a drink", "default"));
        assertThat(same.attributes().get("content-id")).isEqualTo(f.attributes().get("content-id"));
        node.audit().assertNotEmitted("jdk.denied");
    }
}
