package com.example.normaliser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with commons-text (and its commons-lang3) bundled, in a node. */
@PluginTest
class FactNormaliserPluginTest {

    @Test
    void normalisesEntitiesWhitespaceAndTheSubject(TestNode node) {
        Fact f = node.assertFact("alice", FactDraft.of("  earl   GREY ", "pairs with", "milk &amp;\n  lemon", "default"));
        assertThat(f.subject()).isEqualTo("Earl Grey");
        assertThat(f.object()).isEqualTo("milk & lemon");
        assertThat(f.attributes()).containsEntry("normalised", "true");
        Fact unchanged = node.assertFact("alice", FactDraft.of("Tea", "is", "hot", "default"));
        assertThat(unchanged.attributes()).doesNotContainKey("normalised");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
