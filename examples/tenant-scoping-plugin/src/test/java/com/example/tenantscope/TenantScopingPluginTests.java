package com.example.tenantscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.core.TenantWriter;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The tenant-scoping plugin (a plain jar) in a node with three tenants: acme, globex and the
 * suspended initech. alice belongs to acme (home) and globex, bob to globex, carol to initech;
 * dave has an identity without tenants; eve has none at all.
 */
@PluginTest
class TenantScopingPluginTests {

    @BeforeEach
    void seedTenantsAndIdentities(TestNode node) {
        TenantWriter tenants = node.host().handle(TenantWriter.class).orElseThrow();
        tenants.upsert(new Tenant("acme", "Acme Corp", Map.of()));
        tenants.upsert(new Tenant("globex", "Globex", Map.of("status", "active")));
        tenants.upsert(new Tenant("initech", "Initech", Map.of("status", "suspended")));
        node.putIdentity("alice", Map.of("tenants", "acme, globex,umbrella"));
        node.putIdentity("bob", Map.of("tenants", "globex"));
        node.putIdentity("carol", Map.of("tenants", "initech"));
        node.putIdentity("dave", Map.of());
        node.calls().clear();
    }

    static AssertRequest asserting(String principal, String tenant) {
        return new AssertRequest(principal, FactDraft.of("tea", "is", "hot", tenant));
    }

    static RecallRequest recalling(String principal, String tenant) {
        return new RecallRequest(principal, new RecallQuery(tenant, "tea", 10));
    }

    static RecallHit hit(String id, String tenant) {
        return new RecallHit(new Fact(id, "tea", "is", "hot", tenant, "someone", Instant.parse("2026-01-01T00:00:00Z"),
                Map.of()), 1.0);
    }

    @Test
    void registersThreeHooksWithIdentityAndTenantRead(TestNode node) {
        assertThat(node.plugin().name()).isEqualTo("tenant-scoping");
        assertThat(node.plugin().entryClass()).isEqualTo("com.example.tenantscope.TenantScopingPlugin");
        assertThat(node.plugin().hooks()).containsExactly(Hook.PRE_ASSERT_AUTHORIZE, Hook.PRE_RECALL_REWRITE, Hook.RECALL_FILTER);
        assertThat(node.plugin().capabilities()).containsExactlyInAnyOrder(Capability.IDENTITY_READ, Capability.TENANT_READ);
    }

    @Test
    void aMemberAssertsInEachOfItsTenants(TestNode node) {
        Fact inAcme = node.assertFact("alice", FactDraft.of("tea", "is", "hot", "acme"));
        Fact inGlobex = node.assertFact("alice", FactDraft.of("tea", "is", "hot", "globex"));

        assertThat(inAcme.tenant()).isEqualTo("acme");
        assertThat(inGlobex.tenant()).isEqualTo("globex");
        assertThat(node.calls().assertCalled(IdentityReader.class, "lookup").argument(0, String.class)).isEqualTo("alice");
        assertThat(node.calls().assertCalled(TenantReader.class, "tenant").argument(0, String.class)).isEqualTo("acme");
    }

    @Test
    void anAssertIntoAnotherTenantIsDenied(TestNode node) {
        assertThatThrownBy(() -> node.assertFact("bob", FactDraft.of("tea", "is", "hot", "acme")))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> {
                    assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_AUTHORIZE);
                    assertThat(e.reason()).isEqualTo("principal 'bob' is not a member of tenant 'acme'");
                });
        FactsReader facts = node.host().handle(FactsReader.class).orElseThrow();
        assertThat(facts.find(FactQuery.bySubject("acme", "tea"))).isEmpty();
        node.audit().assertEmitted("plugin:tenant-scoping", "hook.denied",
                Map.of("hook", "pre_assert_authorize", "reason", "principal 'bob' is not a member of tenant 'acme'"));
    }

    @Test
    void eachReasonForRefusingAnAssertIsNamed(TestNode node) {
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("eve", "acme"))
                .assertDenied("principal 'eve' has no identity on this node; tenant scoping admits known principals only");
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("dave", "acme"))
                .assertDenied("principal 'dave' is not a member of tenant 'acme'");
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("alice", "umbrella"))
                .assertDenied("tenant 'umbrella' does not exist");
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("carol", "initech"))
                .assertDenied("tenant 'initech' is suspended");
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("alice", "globex")).assertAllowed();
    }

    @Test
    void aRecallAimedOutsideTheScopeIsRedirectedToTheHomeTenant(TestNode node) {
        assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("bob", "acme")).assertValue())
                .isEqualTo(recalling("bob", "globex"));
        assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("alice", "initech")).assertValue())
                .isEqualTo(recalling("alice", "acme"));
        // Inside the scope, and for principals with no scope at all (the filter handles those), nothing changes.
        assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("alice", "globex")).assertValue())
                .isEqualTo(recalling("alice", "globex"));
        assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("eve", "acme")).assertValue())
                .isEqualTo(recalling("eve", "acme"));
        assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("carol", "initech")).assertValue())
                .isEqualTo(recalling("carol", "initech"));
    }

    @Test
    void theRecallFilterKeepsOnlyHitsInsideTheScope(TestNode node) {
        RecallResults mixed = new RecallResults(recalling("alice", "acme"),
                List.of(hit("a-1", "acme"), hit("g-1", "globex"), hit("i-1", "initech"), hit("u-1", "umbrella")));

        assertThat(node.filter(Hook.RECALL_FILTER, mixed).assertValue().hits())
                .extracting(h -> h.fact().id()).containsExactly("a-1", "g-1");
        assertThat(node.filter(Hook.RECALL_FILTER, new RecallResults(recalling("bob", "acme"), mixed.hits()))
                .assertValue().hits()).extracting(h -> h.fact().id()).containsExactly("g-1");
        assertThat(node.filter(Hook.RECALL_FILTER, new RecallResults(recalling("eve", "acme"), mixed.hits()))
                .assertValue().hits()).isEmpty();
        assertThat(node.filter(Hook.RECALL_FILTER, new RecallResults(recalling("carol", "initech"), mixed.hits()))
                .assertValue().hits()).isEmpty();
    }

    @Test
    void aWholeRecallStaysInsideThePrincipalsTenants(TestNode node) {
        node.assertFact("alice", FactDraft.of("tea", "is", "secret acme blend", "acme"));
        Fact globexTea = node.assertFact("bob", FactDraft.of("tea", "is", "globex house blend", "globex"));

        List<RecallHit> bobAskingAcme = node.recall("bob", new RecallQuery("acme", "tea blend", 10));
        List<RecallHit> eveAskingAcme = node.recall("eve", new RecallQuery("acme", "tea blend", 10));

        assertThat(bobAskingAcme).extracting(RecallHit::fact).containsExactly(globexTea);
        assertThat(eveAskingAcme).isEmpty();
        assertThat(node.recall("alice", new RecallQuery("acme", "tea blend", 10))).hasSize(1);
    }

    @Test
    void declaresExactlyTheCapabilitiesItsBytecodeUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege().assertUses(Capability.IDENTITY_READ, Capability.TENANT_READ);
    }

    /** A node without identities for plugins: nobody can be placed in a tenant, so nobody gets in. */
    @Nested
    @PluginTest(withoutCoreApis = "identity.read")
    class WithoutIdentityRead {
        @Test
        void assertsAreDeniedAndRecallsComeBackEmpty(TestNode node) {
            node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("alice", "acme"))
                    .assertDenied("tenant scoping cannot resolve principal 'alice': the node does not provide identity.read and tenant.read");
            RecallResults results = new RecallResults(recalling("alice", "acme"), List.of(hit("a-1", "acme")));
            assertThat(node.filter(Hook.RECALL_FILTER, results).assertValue().hits()).isEmpty();
            assertThat(node.filter(Hook.PRE_RECALL_REWRITE, recalling("alice", "globex")).assertValue())
                    .isEqualTo(recalling("alice", "globex"));
        }
    }

    /** The gate refuses tenant.read although the manifest declares it: the handlers fail instead of guessing. */
    @Nested
    @PluginTest(revoke = "tenant.read")
    class WithTenantReadRevoked {
        @Test
        void theVoteFailsOnTheGate(TestNode node) {
            var failure = node.vote(Hook.PRE_ASSERT_AUTHORIZE, asserting("alice", "acme"))
                    .assertCapabilityDenied(Capability.TENANT_READ)
                    .assertFailed();

            assertThat(failure.capability()).contains("tenant.read");
            assertThat(failure.detail()).contains("cannot call getTenantReader");
            assertThatThrownBy(() -> node.assertFact("alice", FactDraft.of("tea", "is", "hot", "acme")))
                    .isInstanceOf(dev.stigmem.api.PluginExecutionError.class);
        }
    }
}
