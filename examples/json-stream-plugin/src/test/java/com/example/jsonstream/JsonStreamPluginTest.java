package com.example.jsonstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with its own jackson-core 2.21 bundled, in a node that itself runs on another Jackson. */
@PluginTest
class JsonStreamPluginTest {

    static AssertRequest payload(String json) {
        return new AssertRequest("alice", FactDraft.of("tea", "is", "a drink", "default").withAttribute("payload", json));
    }

    @Test
    void validatesWithItsOwnJacksonVersion(TestNode node) {
        assertThat(node.node().plugins().get(0).health().message()).isEqualTo("jackson-core 2.21.0");
        // In this test JVM Maven mediates one jackson-core for the node and the plugin's test path
        // alike, so the versions cannot differ here; the layer holding its own copy beside a host
        // module of the same name is proven in the loader's LayerTests.
        node.vote(Hook.PRE_ASSERT_VALIDATE, payload("{\"a\": [1, 2, {\"b\": null}]}")).assertAllowed();
        node.vote(Hook.PRE_ASSERT_VALIDATE, payload("{\"a\": ")).assertDenied("payload is not acceptable JSON");
        node.vote(Hook.PRE_ASSERT_VALIDATE, payload("[[[[[[[[[[1]]]]]]]]]]")).assertDenied("nesting depth");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
