package com.example.tombstones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.testkit.HookFailure;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node that does not provide {@code facts.read}: the plugin cannot tell who is forgotten, so it
 * refuses asserts and shows no recall hits rather than risk showing a forgotten subject.
 */
@PluginTest(withoutCoreApis = "facts.read")
class TombstonesFailClosedTests {

    static final Fact TOMBSTONE = new Fact("f-1", "alice", TombstonesPlugin.FORGET_PREDICATE, "asked by the subject",
            "default", "dpo", Instant.parse("2026-01-01T00:00:00Z"), Map.of());

    @Test
    void everyAssertIsDeniedWithTheMissingCoreApiAsReason(TestNode node) {
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("bob", FactDraft.of("bob", "likes", "tea", "default")))
                .assertDenied("tombstones cannot be checked: the node does not provide facts.read");
    }

    @Test
    void recallFilterShowsNothing(TestNode node) {
        RecallResults results = new RecallResults(new RecallRequest("bob", new RecallQuery("default", "tea", 10)),
                List.of(new RecallHit(new Fact("f-2", "bob", "likes", "tea", "default", "bob",
                        Instant.parse("2026-01-01T00:00:00Z"), Map.of()), 1.0)));

        assertThat(node.filter(Hook.RECALL_FILTER, results).assertValue().hits()).isEmpty();
    }

    @Test
    void anErasureThatCannotHappenFailsItsHandlerAndTheNodeAuditsIt(TestNode node) {
        HookFailure failure = node.fire(Hook.POST_ASSERT_PERSIST, new FactEvent(TOMBSTONE, "dpo")).assertFailed();

        assertThat(failure.plugin()).isEqualTo("tombstones");
        assertThat(failure.detail()).contains("cannot forget 'alice': the node does not provide facts.read");
        node.audit().assertEmitted("plugin:tombstones", "hook.handler_failed", Map.of("hook", "post_assert_persist"));
        node.audit().assertNotEmitted(TombstonesPlugin.AUDIT_FORGOTTEN);
    }
}
