package com.example.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Health;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.HookFailure;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNetwork;
import dev.stigmem.testkit.TestNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The webhook plugin in a node: every propagated fact is POSTed as bounded JSON; failures are audited. */
@PluginTest(config = "webhook.url=" + WebhookPluginTests.URL)
class WebhookPluginTests {

    /** A webhook URL as chat services hand them out: the path holds a token that must not leak. */
    static final String URL = "https://hooks.example.com/stigmem/T0KEN-5ecr3t";
    static final String ORIGIN = "https://hooks.example.com";
    static final String FAILED = WebhookPlugin.AUDIT_FAILED;

    static FactDraft likesTea() {
        return FactDraft.of("alice", "likes", "tea", "default");
    }

    static AuditEvent onlyFailure(TestNode node) {
        assertThat(node.audit().events(FAILED)).hasSize(1);
        AuditEvent failure = node.audit().assertEmitted(FAILED);
        assertThat(failure.actor()).isEqualTo("plugin:webhook");
        assertThat(failure.attributes().values()).noneMatch(v -> v.contains("T0KEN"));
        return failure;
    }

    @Test
    void registersOneHookWithItsThreeCapabilities(TestNode node) {
        assertThat(node.plugin().name()).isEqualTo("webhook");
        assertThat(node.plugin().module()).isEqualTo("com.example.webhook");
        assertThat(node.plugin().hooks()).containsExactly(Hook.POST_ASSERT_PROPAGATE);
        assertThat(node.plugin().capabilities()).containsExactlyInAnyOrder(Capability.CONFIG_READ,
                Capability.NETWORK_OUTBOUND, Capability.AUDIT_EMIT);
        assertThat(node.plugin().health()).isEqualTo(Health.unknown());
    }

    @Test
    void anAssertedFactIsPostedAsJson(TestNode node) {
        node.network().respond(ORIGIN + "/", 204, "");

        Fact fact = node.assertFact("alice", likesTea().withAttribute("internal-note", "do not share"));

        OutboundRequest request = node.network().assertRequested("POST", URL);
        assertThat(node.network().requests()).hasSize(1);
        assertThat(request.destination()).hasToString(URL);
        assertThat(request.headers()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Content-Type", "application/json",
                "X-Stigmem-Event", "fact.asserted",
                "X-Stigmem-Delivery", fact.id()));
        assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(TestNetwork.bodyText(request)).isEqualTo("{\"event\":\"fact.asserted\",\"principal\":\"alice\","
                + "\"fact\":{\"id\":\"" + fact.id() + "\",\"subject\":\"alice\",\"predicate\":\"likes\",\"object\":\"tea\","
                + "\"tenant\":\"default\",\"source\":\"alice\",\"assertedAt\":\"" + fact.assertedAt() + "\"},"
                + "\"truncated\":false}");
        node.audit().assertNotEmitted(FAILED);
        assertThat(node.plugin().health()).isEqualTo(Health.healthy());
    }

    @Test
    void firingTheHookDirectlyPostsThatFact(TestNode node) {
        node.network().respond(ORIGIN + "/", 200, "ok");
        Fact fromPeer = new Fact("p-9", "bob", "knows", "alice", "default", "peer:node-b",
                Instant.parse("2026-01-01T00:00:00Z"), Map.of());

        node.fire(Hook.POST_ASSERT_PROPAGATE, new FactEvent(fromPeer, "peer:node-b")).assertSucceeded();

        assertThat(TestNetwork.bodyText(node.network().assertRequested("POST", URL)))
                .contains("\"principal\":\"peer:node-b\"", "\"id\":\"p-9\"", "\"assertedAt\":\"2026-01-01T00:00:00Z\"");
    }

    @Test
    void textIsEscapedAsJsonRequires(TestNode node) {
        node.network().respond(ORIGIN + "/", 204, "");

        node.assertFact("alice", FactDraft.of("alice", "said", "\"hi\"\n\tback\\slash\u0001 é", "default"));

        assertThat(TestNetwork.bodyText(node.network().assertRequested("POST", URL)))
                .contains("\"object\":\"\\\"hi\\\"\\n\\tback\\\\slash\\u0001 é\"");
    }

    @Test
    void theBodyIsBoundedAndSaysWhatWasCut(TestNode node) {
        node.network().respond(ORIGIN + "/", 204, "");
        String object = "é\"".repeat(20_000);

        node.assertFact("alice", FactDraft.of("s".repeat(300), "wrote", object, "default"));

        byte[] body = node.network().assertRequested("POST", URL).body();
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(body.length).isLessThanOrEqualTo(16_384).isGreaterThan(16_000);
        assertThat(text).contains("\"subject\":\"" + "s".repeat(256) + "\",").endsWith(",\"truncated\":true}");
        String sent = text.substring(text.indexOf("\"object\":\"") + 10, text.indexOf("\",\"tenant\""));
        assertThat(object).startsWith(sent.replace("\\\"", "\""));
    }

    @Test
    void aCutNeverSplitsACharacter(TestNode node) throws CharacterCodingException {
        node.network().respond(ORIGIN + "/", 204, "");
        String object = "\uD83D\uDE00".repeat(10_000); // 4 UTF-8 bytes per emoji, 40 KB in all

        node.assertFact("alice", FactDraft.of("alice", "wrote", object, "default"));

        byte[] body = node.network().assertRequested("POST", URL).body();
        assertThat(body.length).isLessThanOrEqualTo(16_384);
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
        String sent = text.substring(text.indexOf("\"object\":\"") + 10, text.indexOf("\",\"tenant\""));
        assertThat(sent).isNotEmpty().doesNotContain("?");
        assertThat(object).startsWith(sent);
    }

    @Test
    void aNon2xxAnswerIsAuditedWithoutTheUrlsSecretAndDegradesHealth(TestNode node) {
        node.network().respond(ORIGIN + "/", 500, "boom");

        Fact fact = node.assertFact("alice", likesTea());

        assertThat(onlyFailure(node).attributes()).isEqualTo(Map.of(
                "fact", fact.id(),
                "destination", ORIGIN,
                "reason", "the webhook answered HTTP 500"));
        assertThat(node.plugin().health()).isEqualTo(Health.degraded("last delivery failed: the webhook answered HTTP 500"));

        node.network().respond(ORIGIN + "/", 202, "");
        node.assertFact("alice", likesTea());
        assertThat(node.plugin().health()).isEqualTo(Health.healthy());
        assertThat(node.audit().events(FAILED)).hasSize(1);
    }

    @Test
    void aDestinationOffTheAllowlistIsRefusedByTheNodeAndAudited(TestNode node) {
        // No response configured for hooks.example.com: the node's allowlist refuses it.
        node.assertFact("alice", likesTea());

        assertThat(node.network().requests()).hasSize(1);
        assertThat(onlyFailure(node).attributes().get("reason"))
                .startsWith("the node refused the destination: destination https://hooks.example.com:443 is not on the node's outbound allowlist");
    }

    @Test
    void anIoFailureIsAudited(TestNode node) {
        node.network().failWith(ORIGIN + "/", "connection reset");

        node.assertFact("alice", likesTea());

        assertThat(onlyFailure(node).attributes().get("reason")).isEqualTo("delivery failed: java.io.IOException: connection reset");
        assertThat(node.plugin().health().status()).isEqualTo(Health.Status.DEGRADED);
    }

    @Test
    void declaresExactlyTheCapabilitiesItsBytecodeUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege()
                .assertUses(Capability.CONFIG_READ, Capability.NETWORK_OUTBOUND, Capability.AUDIT_EMIT);
    }

    /** The operator narrows notifications to two predicates and shortens the timeout. */
    @Nested
    @PluginTest(config = {"webhook.url=" + URL, "webhook.predicates=likes, knows", "webhook.timeout-ms=1500"})
    class WithPredicatesAndTimeout {
        @Test
        void onlyTheListedPredicatesArePostedWithTheConfiguredTimeout(TestNode node) {
            node.network().respond(ORIGIN + "/", 204, "");

            node.assertFact("alice", FactDraft.of("alice", "lives-in", "Lyon", "default"));
            node.network().assertNoRequests();
            node.assertFact("alice", FactDraft.of("alice", "knows", "bob", "default"));

            assertThat(node.network().requests()).hasSize(1);
            assertThat(node.network().assertRequested("POST", URL).timeout()).isEqualTo(Duration.ofMillis(1_500));
        }
    }

    /** Nothing configured: nothing is sent, and every missed notification is on the record. */
    @Nested
    @PluginTest
    class WithoutAUrl {
        @Test
        void theMissingSettingIsAuditedAndNothingSent(TestNode node) {
            Fact fact = node.assertFact("alice", likesTea());

            node.network().assertNoRequests();
            assertThat(onlyFailure(node).attributes())
                    .isEqualTo(Map.of("fact", fact.id(), "destination", "-", "reason", "webhook.url is not set"));
            assertThat(node.plugin().health()).isEqualTo(Health.degraded("last delivery failed: webhook.url is not set"));
        }
    }

    /** A URL the plugin must not use; the reason names the key, never the value. */
    @Nested
    @PluginTest(config = "webhook.url=ftp://files.example.com/T0KEN-5ecr3t")
    class WithANonHttpUrl {
        @Test
        void theUrlIsRefused(TestNode node) {
            node.assertFact("alice", likesTea());

            node.network().assertNoRequests();
            assertThat(onlyFailure(node).attributes().get("reason")).isEqualTo("webhook.url must be an absolute http or https URL");
        }
    }

    /** A timeout above the node's 30 s bound. */
    @Nested
    @PluginTest(config = {"webhook.url=" + URL, "webhook.timeout-ms=60000"})
    class WithATooLongTimeout {
        @Test
        void theTimeoutIsRefused(TestNode node) {
            node.network().respond(ORIGIN + "/", 204, "");

            node.assertFact("alice", likesTea());

            node.network().assertNoRequests();
            assertThat(onlyFailure(node).attributes().get("reason"))
                    .isEqualTo("webhook.timeout-ms must be between 1 and 30000, was 60000");
        }
    }

    /** A node that gives plugins no outbound network. */
    @Nested
    @PluginTest(config = "webhook.url=" + URL, withoutCoreApis = "network.outbound")
    class WithoutNetwork {
        @Test
        void theMissingCoreApiIsAudited(TestNode node) {
            node.assertFact("alice", likesTea());

            node.network().assertNoRequests();
            assertThat(onlyFailure(node).attributes())
                    .containsEntry("destination", ORIGIN)
                    .containsEntry("reason", "the node does not provide network.outbound");
        }
    }

    /** The gate refuses network.outbound although the manifest declares it. */
    @Nested
    @PluginTest(config = "webhook.url=" + URL, revoke = "network.outbound")
    class WithNetworkRevoked {
        @Test
        void theHandlerFailsOnTheGateAndTheAssertStillSucceeds(TestNode node) {
            node.network().respond(ORIGIN + "/", 204, "");
            Fact fact = node.assertFact("alice", likesTea());

            HookFailure failure = node.fire(Hook.POST_ASSERT_PROPAGATE, new FactEvent(fact, "alice"))
                    .assertCapabilityDenied(Capability.NETWORK_OUTBOUND)
                    .assertFailed();

            assertThat(failure.capability()).contains("network.outbound");
            assertThat(failure.detail()).contains("cannot call getNetworkOutbound");
            node.network().assertNoRequests();
        }
    }
}
