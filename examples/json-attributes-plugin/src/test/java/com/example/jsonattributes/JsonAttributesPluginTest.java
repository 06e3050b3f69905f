package com.example.jsonattributes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with Gson bundled, in a node. */
@PluginTest
class JsonAttributesPluginTest {

    @Test
    void turnsAJsonObjectIntoAttributesAndRefusesAnythingElse(TestNode node) {
        Fact f = node.assertFact("alice", FactDraft.of("tea", "is", "a drink", "default")
                .withAttribute("json", "{\"origin\": \"Assam\", \"caffeine\": 40, \"organic\": true}"));
        assertThat(f.attributes()).containsEntry("origin", "Assam").containsEntry("caffeine", "40")
                .containsEntry("organic", "true").doesNotContainKey("json");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", FactDraft.of("tea", "is", "a drink", "default")
                .withAttribute("json", "[1, 2]"))).assertDenied("not a JSON object");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", FactDraft.of("tea", "is", "a drink", "default")
                .withAttribute("json", "{\"nested\": {}}"))).assertDenied("member nested is not a string");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
