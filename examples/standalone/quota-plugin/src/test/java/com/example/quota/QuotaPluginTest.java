package com.example.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A plain-jar plugin tested on the class path (see the Surefire configuration in pom.xml). */
@PluginTest(config = "quota.per-subject=2")
class QuotaPluginTest {

    static FactDraft about(String subject, String predicate) {
        return FactDraft.of(subject, predicate, "x", "default");
    }

    @Test
    void thePluginRunsInItsOwnLayerNotFromTheClassPath(TestNode node) {
        assertEquals("assert-quota", node.plugin().name());
        assertFalse(QuotaPlugin.class.getModule().isNamed(), "the test's copy is on the class path");
        // The node's copy is a module of its own layer, sealed from the plain jar.
        assertEquals(true, node.plugin().module().length() > 0);
    }

    @Test
    void deniesTheAssertOverTheQuota(TestNode node) {
        node.assertFact("alice", about("bob", "likes"));
        node.assertFact("alice", about("bob", "knows"));
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", about("bob", "met")))
                .assertDenied("already holds 2 facts about 'bob' (quota 2)");
        // Another principal, another subject: still allowed.
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("carol", about("bob", "met"))).assertAllowed();
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", about("dave", "met"))).assertAllowed();
        node.calls().assertCalled(FactsReader.class, "find");
    }

    @Test
    void declaresOnlyWhatItUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege().assertUses(Capability.FACTS_READ, Capability.CONFIG_READ);
    }

    @Nested
    @PluginTest(withoutCoreApis = "facts.read")
    class OnANodeThatDoesNotProvideFacts {
        @Test
        void allowsAndReadsNothing(TestNode node) {
            node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", about("bob", "met"))).assertAllowed();
            node.calls().assertNone();
        }
    }
}
