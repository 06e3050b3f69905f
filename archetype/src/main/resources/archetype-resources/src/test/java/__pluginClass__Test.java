package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The plugin as a node runs it: {@code @PluginTest} loads target/classes through the real loader,
 * pre-scan, module layer and capability gate, and gives each test a fresh {@link TestNode}.
 */
@PluginTest
class ${pluginClass}Test {

    static AssertRequest request(String object) {
        return new AssertRequest("alice", FactDraft.of("bob", "note", object, "default"));
    }

    @Test
    void allowsAnOrdinaryFact(TestNode node) {
        node.vote(Hook.PRE_ASSERT_VALIDATE, request("likes green tea")).assertAllowed();
        Fact stored = node.assertFact("alice", FactDraft.of("bob", "note", "likes green tea", "default"));
        assertEquals("likes green tea", stored.object());
    }

    @Test
    void deniesABlankObject(TestNode node) {
        node.vote(Hook.PRE_ASSERT_VALIDATE, request("   ")).assertDenied("blank");
    }

    @Test
    void declaresOnlyWhatItUses(PluginArchive archive) {
        // The same pre-scan as the node's (and as stigmem:scan in mvn verify).
        archive.scan().assertAccepted().assertLeastPrivilege();
    }

    @Nested
    @PluginTest(config = "${pluginName}.max-length=5")
    class WithAConfiguredLimit {
        @Test
        void deniesLongerObjects(TestNode node) {
            node.vote(Hook.PRE_ASSERT_VALIDATE, request("123456")).assertDenied("more than 5");
            node.vote(Hook.PRE_ASSERT_VALIDATE, request("12345")).assertAllowed();
        }
    }
}
