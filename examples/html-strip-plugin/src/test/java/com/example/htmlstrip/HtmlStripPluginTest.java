package com.example.htmlstrip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with jsoup bundled, in a node. */
@PluginTest
class HtmlStripPluginTest {

    @Test
    void storesThePlainTextOfHtmlAndLeavesTextAlone(TestNode node) {
        Fact html = node.assertFact("alice", FactDraft.of("tea", "recipe",
                "<p>Steep <b>3&nbsp;minutes</b></p><script>alert(1)</script><ul><li>no milk</li></ul>", "default"));
        assertThat(html.object()).isEqualTo("Steep 3\u00a0minutes no milk");
        assertThat(html.attributes()).containsEntry("html-stripped", "true");
        Fact plain = node.assertFact("alice", FactDraft.of("tea", "is", "2 < 3 and 4 > 1", "default"));
        assertThat(plain.object()).isEqualTo("2 < 3 and 4 > 1");
        assertThat(plain.attributes()).doesNotContainKey("html-stripped");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
