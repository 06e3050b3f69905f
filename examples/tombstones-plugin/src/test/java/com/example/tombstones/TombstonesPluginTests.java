package com.example.tombstones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.node.CoreCall;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tombstones plugin in a node: forgetting a subject erases it, keeps it erased and hides it from recall. */
@PluginTest
class TombstonesPluginTests {

    static final String FORGET = TombstonesPlugin.FORGET_PREDICATE;

    static FactDraft fact(String subject, String predicate, String object) {
        return FactDraft.of(subject, predicate, object, "default");
    }

    static List<Fact> factsAbout(TestNode node, String tenant, String subject) {
        FactsReader facts = node.host().handle(FactsReader.class).orElseThrow();
        return facts.find(FactQuery.bySubject(tenant, subject));
    }

    @Test
    void registersItsFourHooksWithItsThreeCapabilities(TestNode node) {
        assertThat(node.plugin().name()).isEqualTo("tombstones");
        assertThat(node.plugin().module()).isEqualTo("com.example.tombstones");
        assertThat(node.plugin().hooks()).containsExactly(Hook.PRE_ASSERT_AUTHORIZE, Hook.PRE_ASSERT_VALIDATE,
                Hook.POST_ASSERT_PERSIST, Hook.RECALL_FILTER);
        assertThat(node.plugin().capabilities())
                .containsExactlyInAnyOrder(Capability.FACTS_READ, Capability.FACTS_WRITE, Capability.AUDIT_EMIT);
    }

    @Test
    void aTombstoneRetractsEveryOtherFactAboutItsSubjectWithAReason(TestNode node) {
        Fact tea = node.assertFact("alice", fact("alice", "likes", "tea"));
        Fact city = node.assertFact("alice", fact("alice", "lives-in", "Lyon"));
        Fact bob = node.assertFact("bob", fact("bob", "likes", "coffee"));
        node.calls().clear();

        Fact tombstone = node.assertFact("dpo", fact("alice", FORGET, "GDPR art. 17 request #42"));

        assertThat(factsAbout(node, "default", "alice")).containsExactly(tombstone);
        assertThat(factsAbout(node, "default", "bob")).containsExactly(bob);
        List<CoreCall> retracts = node.calls().assertCalled(FactsWriter.class, "retract", 2);
        assertThat(retracts).extracting(c -> c.argument(0, String.class)).containsExactly(tea.id(), city.id());
        assertThat(retracts).allSatisfy(c -> {
            assertThat(c.plugin()).isEqualTo("tombstones");
            assertThat(c.argument(1, String.class))
                    .isEqualTo("right to be forgotten (tombstone " + tombstone.id() + "): GDPR art. 17 request #42");
            assertThat(c.result()).contains(true);
        });
        // The node records each retraction, attributed to the plugin, with the plugin's reason.
        node.audit().assertEmitted("plugin:tombstones", "fact.retracted", Map.of("fact", tea.id()));
        node.audit().assertEmitted("plugin:tombstones", "fact.retracted", Map.of("fact", city.id()));
    }

    @Test
    void anErasureIsAuditedOnceWithWhoAskedAndWhy(TestNode node) {
        node.assertFact("alice", fact("alice", "likes", "tea"));
        Fact tombstone = node.assertFact("dpo", fact("alice", FORGET, "GDPR art. 17 request #42"));

        AuditEvent event = node.audit().assertEmitted("plugin:tombstones", TombstonesPlugin.AUDIT_FORGOTTEN, Map.of(
                "tenant", "default",
                "subject", "alice",
                "tombstone", tombstone.id(),
                "retracted", "1",
                "reason", "GDPR art. 17 request #42",
                "requested_by", "dpo"));
        assertThat(event.actor()).isEqualTo("plugin:tombstones");
        assertThat(node.audit().events(TombstonesPlugin.AUDIT_FORGOTTEN)).hasSize(1);
    }

    @Test
    void ordinaryFactsRetractNothingAndEmitNothing(TestNode node) {
        node.assertFact("alice", fact("alice", "likes", "tea"));
        node.assertFact("alice", fact("alice", "likes", "cake"));

        node.calls().assertNotCalled(Capability.FACTS_WRITE);
        node.calls().assertNotCalled(Capability.AUDIT_EMIT);
        node.audit().assertNotEmitted(TombstonesPlugin.AUDIT_FORGOTTEN);
        assertThat(factsAbout(node, "default", "alice")).hasSize(2);
    }

    @Test
    void newFactsAboutAForgottenSubjectAreDenied(TestNode node) {
        Fact tombstone = node.assertFact("dpo", fact("alice", FORGET, "asked by the subject"));

        assertThatThrownBy(() -> node.assertFact("bob", fact("alice", "likes", "coffee")))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> {
                    assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_AUTHORIZE);
                    assertThat(e.reason()).isEqualTo("subject 'alice' was forgotten in tenant 'default' (tombstone "
                            + tombstone.id() + "); new facts about it are refused");
                });
        assertThat(factsAbout(node, "default", "alice")).containsExactly(tombstone);
        node.audit().assertEmitted("plugin:tombstones", "hook.denied", Map.of("hook", "pre_assert_authorize"));
    }

    @Test
    void aSecondTombstoneForTheSameSubjectIsDenied(TestNode node) {
        node.assertFact("dpo", fact("alice", FORGET, "first request"));

        node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("dpo", fact("alice", FORGET, "second request")))
                .assertDenied("subject 'alice' is already forgotten in tenant 'default'");
    }

    @Test
    void tombstonesAreScopedToTheirTenantAndSubject(TestNode node) {
        node.assertFact("dpo", fact("alice", FORGET, "asked by the subject"));

        node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("bob", FactDraft.of("alice", "likes", "tea", "other")))
                .assertAllowed();
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("bob", fact("alicia", "likes", "tea")))
                .assertAllowed();
    }

    @Test
    void aTombstoneNeedsAReasonOfBoundedLength(TestNode node) {
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("dpo", fact("alice", FORGET, "  ")))
                .assertDenied("a tombstone (stigmem:forget) needs a reason as its object");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("dpo", fact("alice", FORGET, "x".repeat(1_001))))
                .assertDenied("limited to 1000 characters, was 1001");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("dpo", fact("alice", FORGET, "x".repeat(1_000))))
                .assertAllowed();
        // Blank objects are another plugin's business when the fact is not a tombstone.
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", fact("alice", "note", " "))).assertAllowed();

        assertThatThrownBy(() -> node.assertFact("dpo", fact("alice", FORGET, "")))
                .isInstanceOfSatisfying(OperationDeniedException.class,
                        e -> assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_VALIDATE));
        assertThat(factsAbout(node, "default", "alice")).isEmpty();
    }

    @Test
    void recallNeverShowsAForgottenSubjectNotEvenItsTombstone(TestNode node) {
        node.assertFact("alice", fact("alice", "likes", "green tea"));
        node.assertFact("bob", fact("bob", "likes", "green tea"));
        node.assertFact("dpo", fact("alice", FORGET, "asked by the subject"));

        List<RecallHit> hits = node.recall("bob", new RecallQuery("default", "green tea alice", 10));

        // The store still matches the tombstone on "alice"; the filter drops it.
        assertThat(hits).extracting(h -> h.fact().subject()).containsExactly("bob");
    }

    @Test
    void theRecallFilterDropsHitsAboutAForgottenSubjectWhereverTheyComeFrom(TestNode node) {
        node.assertFact("dpo", fact("alice", FORGET, "asked by the subject"));
        // Hits as another store or a peer could produce them: alice's facts were never in this node.
        RecallHit aliceHit = new RecallHit(foreignFact("x-1", "alice", "default"), 2.0);
        RecallHit bobHit = new RecallHit(foreignFact("x-2", "bob", "default"), 1.5);
        RecallHit aliceElsewhere = new RecallHit(foreignFact("x-3", "alice", "other"), 1.0);
        RecallResults results = new RecallResults(new RecallRequest("carol", new RecallQuery("default", "tea", 10)),
                List.of(aliceHit, bobHit, aliceElsewhere));

        RecallResults filtered = node.filter(Hook.RECALL_FILTER, results).assertValue();

        assertThat(filtered.hits()).containsExactly(bobHit, aliceElsewhere);
        assertThat(filtered.request()).isEqualTo(results.request());
    }

    @Test
    void theRecallFilterKeepsResultsWithoutForgottenSubjectsAsTheyAre(TestNode node) {
        RecallResults results = new RecallResults(new RecallRequest("carol", new RecallQuery("default", "tea", 10)),
                List.of(new RecallHit(foreignFact("x-1", "alice", "default"), 2.0)));

        assertThat(node.filter(Hook.RECALL_FILTER, results).assertValue()).isEqualTo(results);
        // One tombstone look-up per distinct subject.
        assertThat(node.calls().assertCalled(FactsReader.class, "find", 1).get(0).argument(0, FactQuery.class))
                .isEqualTo(new FactQuery("default", Optional.of("alice"), Optional.of(FORGET), 1));
    }

    @Test
    void declaresExactlyTheCapabilitiesItsBytecodeUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege()
                .assertUses(Capability.FACTS_READ, Capability.FACTS_WRITE, Capability.AUDIT_EMIT);
    }

    static Fact foreignFact(String id, String subject, String tenant) {
        return new Fact(id, subject, "likes", "tea", tenant, "peer:node-b", Instant.parse("2026-01-01T00:00:00Z"), Map.of());
    }
}
