package com.example.redaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The plugin as the node runs it: loaded from target/classes through the real loader, pre-scan and gate. */
@PluginTest
class RedactionPluginTest {

    static AssertRequest request(String object) {
        return new AssertRequest("alice", FactDraft.of("bob", "contact", object, "default"));
    }

    @Test
    void theNodeRunsItsOwnCopyOfTheModuleThatSurefirePutOnTheModulePath(TestNode node) {
        assertEquals("com.example.redaction", RedactionPlugin.class.getModule().getName());
        assertEquals("com.example.redaction", node.plugin().module());
        assertTrue(ModuleLayer.boot().findModule("com.example.redaction").isPresent());
    }

    @Test
    void masksEmailAndPhoneBeforeTheFactIsStored(TestNode node) {
        Fact stored = node.assertFact("alice", FactDraft.of("bob", "contact", "mail bob@example.com or call +44 20 7946 0958", "default"));
        assertEquals("mail [redacted] or call [redacted]", stored.object());
        assertEquals("email,phone", stored.attributes().get("redacted"));
    }

    @Test
    void recordsWhatItMaskedButNeverTheValues(TestNode node) {
        node.filter(Hook.PRE_ASSERT_TRANSFORM, request("a@example.com, b@example.org")).assertValue();
        var event = node.audit().assertEmitted("plugin:pii-redaction", "pii.redacted", Map.of("email", "2", "principal", "alice"));
        assertEquals(false, event.attributes().containsValue("a@example.com"));
    }

    @Test
    void leavesCleanFactsAloneAndSaysNothing(TestNode node) {
        AssertRequest clean = request("likes green tea");
        // Equal, not the same object: the node copies what a handler returns before it goes on.
        assertEquals(clean, node.filter(Hook.PRE_ASSERT_TRANSFORM, clean).assertValue());
        node.audit().assertNotEmitted("pii.redacted");
    }

    @Test
    void declaresOnlyWhatItUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege();
    }

    @Nested
    @PluginTest(config = "redaction.mask=***")
    class WithAConfiguredMask {
        @Test
        void usesTheMask(TestNode node) {
            AssertRequest out = node.filter(Hook.PRE_ASSERT_TRANSFORM, request("bob@example.com")).assertValue();
            assertEquals("***", out.draft().object());
        }
    }

    @Nested
    @PluginTest(withoutCoreApis = "config.read")
    class OnANodeWithoutConfiguration {
        @Test
        void fallsBackToTheDefaultMask(TestNode node) {
            AssertRequest out = node.filter(Hook.PRE_ASSERT_TRANSFORM, request("bob@example.com")).assertValue();
            assertEquals(RedactionPlugin.DEFAULT_MASK, out.draft().object());
        }
    }
}
