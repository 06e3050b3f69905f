package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.CoreCall;
import dev.stigmem.node.OperationDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** A real node on the probe fixture: each assertion passes on what the plugin did and fails on what it did not. */
class TestNodeTests {
    @TempDir
    static Path project;
    static PluginArchive probe;

    @BeforeAll
    static void build() {
        probe = PluginArchive.fromBuildOutput(Fixtures.compile("probe-plugin", project.resolve("probe-plugin")));
    }

    static TestNode start() {
        return TestNode.builder().plugin(probe).start();
    }

    static AssertRequest assertion(String principal, String subject) {
        return new AssertRequest(principal, FactDraft.of(subject, "likes", "tea", "default"));
    }

    @Test
    void thePluginIsRegisteredAsTheNodeWouldRegisterIt() {
        try (TestNode node = start()) {
            assertThat(node.plugin().name()).isEqualTo("probe");
            assertThat(node.plugin().version()).isEqualTo("1.2.3");
            assertThat(node.plugin().hooks()).contains(Hook.PRE_ASSERT_AUTHORIZE, Hook.RECALL_RANK, Hook.POST_ASSERT_PROPAGATE);
            assertThat(node.plugin().module()).isEqualTo("com.example.probe");
            // Unsigned development build: accepted, and on the record.
            node.audit().assertEmitted("node", "plugin.trust_decision", Map.of("trust_decision", "development_unsigned_override"));
            node.audit().assertEmitted("node", "plugin.scanned", Map.of("plugin", "probe", "verdict", "accept"));
        }
    }

    @Test
    void votesAreAssertedAndWrongExpectationsFail() {
        try (TestNode node = start()) {
            node.vote(Hook.PRE_ASSERT_AUTHORIZE, assertion("alice", "secret")).assertDenied("off limits");
            node.vote(Hook.PRE_ASSERT_AUTHORIZE, assertion("alice", "tea-drinkers")).assertAllowed();

            HookOutcome<Vote> allowed = node.vote(Hook.PRE_ASSERT_AUTHORIZE, assertion("alice", "tea-drinkers"));
            assertThatThrownBy(() -> allowed.assertDenied("off limits")).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("expected pre_assert_authorize to deny, but it allowed");
            HookOutcome<Vote> denied = node.vote(Hook.PRE_ASSERT_AUTHORIZE, assertion("alice", "secret"));
            assertThatThrownBy(denied::assertAllowed).isInstanceOf(AssertionFailedError.class);
            assertThatThrownBy(() -> denied.assertDenied("another reason")).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("subject 'secret' is off limits");
            assertThat(denied.auditEvents()).extracting(e -> e.action()).containsExactly("hook.denied");
        }
    }

    @Test
    void theWholeAssertPipelineRunsThePluginsHandlers() {
        try (TestNode node = start()) {
            assertThatThrownBy(() -> node.assertFact("alice", FactDraft.of("secret", "is", "x", "default")))
                    .isInstanceOfSatisfying(OperationDeniedException.class, e -> assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_AUTHORIZE));
            Fact f = node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default"));
            node.audit().assertEmitted("plugin:probe", "probe.persisted", Map.of("fact", f.id()));
            CoreCall emit = node.calls().assertCalled(AuditEmitter.class, "emit");
            assertThat(emit.plugin()).isEqualTo("probe");
            assertThat(emit.arguments()).containsExactly("probe.persisted", Map.of("fact", f.id()));
            // pre_assert_validate counted the subject's facts through facts.read.
            CoreCall find = node.calls().assertCalled(FactsReader.class, "find");
            assertThat(find.argument(0, FactQuery.class).subject()).contains("bob");
            node.calls().assertNotCalled(Capability.FACTS_WRITE);
            assertThatThrownBy(() -> node.calls().assertCalled(FactsWriter.class, "retract"))
                    .isInstanceOf(AssertionFailedError.class).hasMessageContaining("FactsReader.find");
        }
    }

    @Test
    void aVoteThatReadsFactsDeniesTheFourthFactAboutASubject() {
        try (TestNode node = start()) {
            for (int i = 0; i < 3; i++) {
                node.assertFact("alice", FactDraft.of("bob", "p" + i, "o", "default"));
            }
            node.vote(Hook.PRE_ASSERT_VALIDATE, assertion("alice", "bob")).assertDenied("at most 3 facts");
            node.calls().assertCalled(FactsReader.class, "find", 4);
        }
    }

    @Test
    void filterAndScoreHooksAreAssertedOnRealResults() {
        try (TestNode node = start()) {
            Fact plain = node.assertFact("alice", FactDraft.of("tea", "plain", "green tea", "default"));
            Fact hidden = node.assertFact("alice", FactDraft.of("tea", "hidden", "green tea", "default"));
            Fact pinned = node.assertFact("alice", FactDraft.of("tea", "pinned", "green tea", "default"));
            RecallRequest request = new RecallRequest("alice", new RecallQuery("default", "green", 10));
            RecallResults all = new RecallResults(request, List.of(new RecallHit(plain, 1.0), new RecallHit(hidden, 1.0),
                    new RecallHit(pinned, 1.0)));

            RecallResults filtered = node.filter(Hook.RECALL_FILTER, all).assertValue();
            assertThat(filtered.hits()).extracting(h -> h.fact().id()).containsExactly(plain.id(), pinned.id());

            HookOutcome<Map<String, Double>> scores = node.scores(Hook.RECALL_RANK, filtered);
            scores.assertDelta(pinned.id(), 1.5);
            assertThatThrownBy(() -> scores.assertDelta(pinned.id(), 1.0)).isInstanceOf(AssertionFailedError.class);
            assertThatThrownBy(() -> scores.assertDelta(plain.id(), 1.5)).isInstanceOf(AssertionFailedError.class);
            assertThatThrownBy(scores::assertNoDeltas).isInstanceOf(AssertionFailedError.class);
            node.scores(Hook.RECALL_RANK, filtered.withHits(List.of(new RecallHit(plain, 1.0)))).assertNoDeltas();

            // End to end: the hidden fact is gone and the pinned one leads.
            assertThat(node.recall("alice", request.query())).extracting(h -> h.fact().id()).containsExactly(pinned.id(), plain.id());
        }
    }

    @Test
    void outboundRequestsGoToTheTestNetworkAndAreRecorded() {
        try (TestNode node = TestNode.builder().plugin(probe).config(Map.of("probe.webhook", "https://hooks.example.com/stigmem")).start()) {
            node.network().respond("https://hooks.example.com/", 204, "");
            Fact f = node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default"));
            OutboundRequest sent = node.network().assertRequested("POST", "https://hooks.example.com/stigmem");
            assertThat(TestNetwork.bodyText(sent)).isEqualTo("{\"fact\":\"" + f.id() + "\"}");
            assertThatThrownBy(() -> node.network().assertNoRequests()).isInstanceOf(AssertionFailedError.class);
        }
    }

    @Test
    void aFireAndForgetFailureIsSwallowedByTheNodeButShownByTheOutcome() {
        try (TestNode node = TestNode.builder().plugin(probe).config(Map.of("probe.webhook", "https://elsewhere.example.org/x")).start()) {
            node.network().respond("https://hooks.example.com/", 204, "");
            Fact f = node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default"));
            HookOutcome<Void> outcome = node.fire(Hook.POST_ASSERT_PROPAGATE, new FactEvent(f, "alice"));
            HookFailure failure = outcome.assertFailed();
            assertThat(failure.plugin()).isEqualTo("probe");
            assertThat(failure.detail()).contains("not on the node's outbound allowlist");
            assertThat(failure.exception()).isEmpty(); // post_assert_propagate is not strict: nothing was thrown
            assertThatThrownBy(outcome::assertSucceeded).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("elsewhere.example.org");
            assertThat(node.network().requests()).hasSize(2);
        }
    }

    @Test
    void networkFailuresCanBeSimulated() {
        try (TestNode node = TestNode.builder().plugin(probe).config(Map.of("probe.webhook", "https://hooks.example.com/x")).start()) {
            node.network().failWith("https://hooks.example.com/", "connection reset");
            Fact f = node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default"));
            assertThat(node.fire(Hook.POST_ASSERT_PROPAGATE, new FactEvent(f, "alice")).assertFailed().detail())
                    .contains("webhook failed: connection reset");
        }
    }

    @Test
    void aWithheldCoreApiIsAnEmptyOptional() {
        try (TestNode node = TestNode.builder().plugin(probe).withhold(Capability.AUDIT_EMIT).start()) {
            Fact f = node.host().handle(FactsWriter.class).orElseThrow().assertFact(FactDraft.of("bob", "likes", "tea", "default"));
            HookFailure failure = node.fire(Hook.POST_ASSERT_PERSIST, new FactEvent(f, "host")).assertFailed();
            assertThat(failure.detail()).contains("NoSuchElementException");
            node.calls().assertNotCalled(Capability.AUDIT_EMIT);
            node.audit().assertNotEmitted("probe.persisted");
        }
    }

    @Test
    void aRevokedCapabilityMeetsTheGateEvenWhenThePluginCatchesTheError() {
        try (TestNode node = TestNode.builder().plugin(probe).revoke(Capability.FACTS_READ).start()) {
            HookOutcome<Vote> outcome = node.vote(Hook.PRE_ASSERT_VALIDATE, assertion("alice", "bob"));
            outcome.assertAllowed().assertCapabilityDenied(Capability.FACTS_READ);
            assertThatThrownBy(() -> outcome.assertCapabilityDenied(Capability.AUDIT_EMIT)).isInstanceOf(AssertionFailedError.class);
            node.audit().assertEmitted("plugin:probe", "capability.denied", Map.of("accessor", "getFactsReader", "capability", "facts.read"));
            node.audit().assertEmitted("node", "plugin.capabilities_revoked", Map.of("plugin", "probe", "revoked", "facts.read"));
            node.calls().assertNotCalled(Capability.FACTS_READ);
        }
        try (TestNode node = start()) {
            HookOutcome<Vote> outcome = node.vote(Hook.PRE_ASSERT_VALIDATE, assertion("alice", "bob"));
            assertThatThrownBy(() -> outcome.assertCapabilityDenied(Capability.FACTS_READ)).isInstanceOf(AssertionFailedError.class);
        }
    }

    @Test
    void aRevokedCapabilityThatFailsAHandlerIsAHandlerFailureNamingIt() {
        try (TestNode node = TestNode.builder().plugin(probe).revoke(Capability.AUDIT_EMIT).start()) {
            Fact f = node.host().handle(FactsWriter.class).orElseThrow().assertFact(FactDraft.of("bob", "likes", "tea", "default"));
            HookOutcome<Void> outcome = node.fire(Hook.POST_ASSERT_PERSIST, new FactEvent(f, "host"));
            outcome.assertCapabilityDenied(Capability.AUDIT_EMIT);
            assertThat(outcome.assertFailed().capability()).contains("audit.emit");
        }
    }

    @Test
    void theHostApisSeedStateWithoutCountingAsThePlugins() {
        try (TestNode node = start()) {
            node.host().handle(FactsWriter.class).orElseThrow().assertFact(FactDraft.of("bob", "likes", "tea", "default"));
            assertThat(node.audit().assertEmitted("fact.asserted").actor()).isEqualTo("host");
            // Only what the plugin's handlers did during the host's assert is recorded.
            assertThat(node.calls().all()).isNotEmpty().allMatch(c -> c.plugin().equals("probe"));
            node.calls().assertNotCalled(Capability.FACTS_WRITE);
            node.calls().clear();
            node.calls().assertNone();
        }
    }

    @Test
    void aPluginsCapabilityCheckVoteRefusesTheCapabilityToAPluginRegisteredAfterIt() {
        PluginArchive gatekeeper = PluginArchive.fromBuildOutput(Fixtures.compile("gatekeeper-plugin", project.resolve("gatekeeper-plugin")));
        // gatekeeper registers before probe (no dependsOn: by name), so it votes on probe's capabilities.
        assertThatThrownBy(() -> TestNode.builder().plugin(probe).alongside(gatekeeper).start())
                .isInstanceOf(dev.stigmem.node.NodeStartException.class)
                .hasMessageContaining("plugin 'probe' denied capabilities: network.outbound (no outbound network on this node)");
        // A plugin that does not ask for the network passes the same vote.
        try (TestNode node = TestNode.builder().plugin(Fixtures.example("greeter-plugin.jar")).alongside(gatekeeper).start()) {
            assertThat(node.plugins()).extracting(p -> p.name()).containsExactly("gatekeeper", "greeter");
        }
    }

    @Test
    void identitiesAreTheHostsToPut() {
        try (TestNode node = start()) {
            node.putIdentity("alice", Map.of("tenants", "acme"));
            assertThat(node.host().handle(dev.stigmem.api.core.IdentityReader.class).orElseThrow().lookup("alice"))
                    .hasValueSatisfying(i -> assertThat(i.attributes()).containsEntry("tenants", "acme"));
            node.audit().assertEmitted("host", "identity.put", Map.of("principal", "alice"));
        }
    }

    @Test
    void gateRefusalsAreAuditedOneByOneThenSampledSoALoopCannotFloodTheTrail() {
        try (TestNode node = TestNode.builder().plugin(probe).revoke(Capability.FACTS_READ).start()) {
            for (int i = 0; i < 250; i++) {
                node.vote(Hook.PRE_ASSERT_VALIDATE, assertion("alice", "bob")).assertAllowed();
            }
            List<dev.stigmem.api.core.AuditEvent> denied = node.audit().events("capability.denied");
            assertThat(denied).hasSize(101);
            assertThat(denied.get(99).attributes()).containsEntry("refusals", "100");
            assertThat(denied.get(100).attributes()).containsEntry("refusals", "200");
        }
    }

    @Test
    void theTestNetworkMatchesOriginsAsTheNodesAllowlistDoes() throws Exception {
        try (TestNode node = start()) {
            TestNetwork net = node.network().respond("https://hooks.example.com/stigmem", 204, "");
            java.util.function.Function<String, OutboundRequest> post = url -> OutboundRequest.post(java.net.URI.create(url),
                    "text/plain", new byte[0], java.time.Duration.ofSeconds(1));
            assertThat(net.send(post.apply("https://HOOKS.example.com:443/stigmem/x")).status()).isEqualTo(204);
            assertThat(net.send(post.apply("https://hooks.example.com/other")).status()).isEqualTo(404);
            for (String lookalike : List.of("https://hooks.example.com.evil.net/stigmem", "https://hooks.example.com@evil.net/stigmem",
                    "http://hooks.example.com/stigmem", "https://hooks.example.com:8443/stigmem")) {
                assertThatThrownBy(() -> net.send(post.apply(lookalike))).as(lookalike)
                        .isInstanceOf(SecurityException.class).hasMessageContaining("not on the node's outbound allowlist");
            }
        }
    }
}
