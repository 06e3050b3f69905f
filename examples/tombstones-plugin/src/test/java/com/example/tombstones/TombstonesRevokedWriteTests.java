package com.example.tombstones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.HookFailure;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runtime gate refuses {@code facts.write} although the manifest declares it: the erasure fails
 * with a {@code CapabilityError}, the node goes on and keeps the record of both.
 */
@PluginTest(revoke = "facts.write")
class TombstonesRevokedWriteTests {

    @Test
    void theErasureFailsOnTheGateAndNothingIsRetracted(TestNode node) {
        Fact tea = node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
        // post_assert_persist is fire-and-forget: the assert itself succeeds.
        Fact tombstone = node.assertFact("dpo", FactDraft.of("alice", TombstonesPlugin.FORGET_PREDICATE, "request", "default"));

        FactsReader facts = node.host().handle(FactsReader.class).orElseThrow();
        assertThat(facts.find(FactQuery.bySubject("default", "alice"))).containsExactly(tea, tombstone);
        node.audit().assertEmitted("plugin:tombstones", "capability.denied", Map.of("capability", "facts.write"));
        node.audit().assertNotEmitted(TombstonesPlugin.AUDIT_FORGOTTEN);
    }

    @Test
    void firingTheHookShowsTheCapabilityError(TestNode node) {
        Fact tombstone = node.host().handle(dev.stigmem.api.core.FactsWriter.class).orElseThrow()
                .assertFact(FactDraft.of("alice", TombstonesPlugin.FORGET_PREDICATE, "request", "default"));

        HookFailure failure = node.fire(Hook.POST_ASSERT_PERSIST, new FactEvent(tombstone, "dpo"))
                .assertCapabilityDenied(Capability.FACTS_WRITE)
                .assertFailed();

        assertThat(failure.capability()).contains("facts.write");
        assertThat(failure.detail()).contains("plugin 'tombstones' cannot call getFactsWriter");
    }
}
