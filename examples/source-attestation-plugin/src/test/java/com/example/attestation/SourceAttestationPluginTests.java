package com.example.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FederationBatch;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.testkit.HookFailure;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The source-attestation plugin in a node: sources on asserts, signed federation batches, audited rejections. */
@PluginTest(config = "source-attestation.hmac-key=" + SourceAttestationPluginTests.KEY_BASE64)
class SourceAttestationPluginTests {

    /** 32 bytes, 0x00 to 0x1f. */
    static final String KEY_BASE64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final byte[] KEY = Base64.getDecoder().decode(KEY_BASE64);
    static final String REJECTED = SourceAttestationPlugin.AUDIT_REJECTED;
    static final String SIGNATURE = SourceAttestationPlugin.SIGNATURE_HEADER;
    static final String SIGNED_AT = SourceAttestationPlugin.SIGNED_AT_HEADER;

    static Fact fact(String id, String subject, String source) {
        Map<String, String> attributes = source == null ? Map.of("lang", "en") : Map.of("source", source, "lang", "en");
        return new Fact(id, subject, "likes", "tea", "default", "alice", Instant.parse("2026-01-01T10:00:00Z"), attributes);
    }

    static final List<Fact> FACTS = List.of(fact("f-1", "alice", "https://example.org/survey"),
            fact("f-2", "bob", "interview 2026-01-01"));

    /**
     * The wire format written down independently of the plugin: HMAC-SHA256 over a domain label,
     * the signing time and each fact's fields, each length-prefixed (4 bytes, big-endian) in UTF-8.
     */
    static String referenceSignature(byte[] key, List<Fact> facts, String signedAt) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            field(out, "stigmem-source-attestation-v1");
            field(out, signedAt);
            out.writeInt(facts.size());
            for (Fact f : facts) {
                for (String s : List.of(f.id(), f.subject(), f.predicate(), f.object(), f.tenant(), f.source(),
                        f.assertedAt().toString())) {
                    field(out, s);
                }
                Map<String, String> sorted = new TreeMap<>(f.attributes());
                out.writeInt(sorted.size());
                for (Map.Entry<String, String> e : sorted.entrySet()) {
                    field(out, e.getKey());
                    field(out, e.getValue());
                }
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "hmac-sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes.toByteArray()));
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static void field(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** A batch from peer node-a signed at {@code signedAt} with {@code key}, as a well-behaved peer sends it. */
    static FederationBatch signedBatch(byte[] key, List<Fact> facts, Instant signedAt) {
        String at = signedAt.truncatedTo(ChronoUnit.SECONDS).toString();
        return new FederationBatch("node-a", facts, Map.of(SIGNED_AT, at, SIGNATURE, referenceSignature(key, facts, at)));
    }

    @Test
    void registersItsThreeHooksWithConfigReadAndAuditEmit(TestNode node) {
        assertThat(node.plugin().name()).isEqualTo("source-attestation");
        assertThat(node.plugin().hooks()).containsExactly(Hook.PRE_ASSERT_VALIDATE, Hook.FEDERATION_INBOUND_VALIDATE,
                Hook.FEDERATION_OUTBOUND_SIGN);
        assertThat(node.plugin().capabilities()).containsExactlyInAnyOrder(Capability.CONFIG_READ, Capability.AUDIT_EMIT);
    }

    @Test
    void anAssertWithoutASourceIsDeniedAndTheRejectionAudited(TestNode node) {
        assertThatThrownBy(() -> node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> {
                    assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_VALIDATE);
                    assertThat(e.reason()).isEqualTo("fact about 'alice' has no 'source' attribute saying where it comes from");
                });
        node.audit().assertEmitted("plugin:source-attestation", REJECTED, Map.of(
                "hook", "pre_assert_validate",
                "principal", "alice",
                "tenant", "default",
                "reason", "fact about 'alice' has no 'source' attribute saying where it comes from"));
        node.audit().assertNotEmitted("fact.asserted");
    }

    @Test
    void anAssertNamingItsSourceIsPersistedWithIt(TestNode node) {
        Fact fact = node.assertFact("alice",
                FactDraft.of("alice", "likes", "tea", "default").withAttribute("source", "https://example.org/survey"));

        assertThat(fact.attributes()).containsEntry("source", "https://example.org/survey");
        node.audit().assertNotEmitted(REJECTED);
        node.calls().assertNotCalled(Capability.AUDIT_EMIT);
    }

    @Test
    void blankAndOverlongSourcesAreDenied(TestNode node) {
        FactDraft draft = FactDraft.of("alice", "likes", "tea", "default");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", draft.withAttribute("source", " \t")))
                .assertDenied("has no 'source' attribute");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", draft.withAttribute("source", "s".repeat(2_049))))
                .assertDenied("has a 'source' attribute longer than 2048 characters");
        node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice", draft.withAttribute("source", "s".repeat(2_048))))
                .assertAllowed();
        assertThat(node.audit().events(REJECTED)).hasSize(2);
    }

    @Test
    void outboundBatchesGetASigningTimeAndAnHmacOverTheirFacts(TestNode node) {
        FederationBatch batch = new FederationBatch("node-b", FACTS, Map.of("X-Batch", "7"));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        FederationBatch signed = node.filter(Hook.FEDERATION_OUTBOUND_SIGN, batch).assertValue();

        String at = signed.headers().get(SIGNED_AT);
        assertThat(Instant.parse(at)).isBetween(before, Instant.now());
        assertThat(signed.headers()).containsEntry("X-Batch", "7")
                .containsEntry(SIGNATURE, referenceSignature(KEY, FACTS, at));
        assertThat(signed.facts()).isEqualTo(FACTS);
        assertThat(signed.peerId()).isEqualTo("node-b");
        // The key is read through config.read on every call, so a rotated key applies at once.
        assertThat(node.calls().assertCalled(ConfigReader.class, "get").argument(0, String.class))
                .isEqualTo("source-attestation.hmac-key");
    }

    @Test
    void aBatchThisPluginSignedIsAcceptedByAPeerWithTheSameKey(TestNode node) {
        FederationBatch signed = node.filter(Hook.FEDERATION_OUTBOUND_SIGN, new FederationBatch("node-b", FACTS, Map.of()))
                .assertValue();
        FederationBatch received = new FederationBatch("node-a", signed.facts(), signed.headers());

        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, received).assertAllowed();
        node.audit().assertNotEmitted(REJECTED);
    }

    @Test
    void aTamperedBatchIsDeniedAndAudited(TestNode node) {
        FederationBatch genuine = signedBatch(KEY, FACTS, Instant.now());
        Fact changed = new Fact("f-2", "bob", "likes", "coffee", "default", "alice", Instant.parse("2026-01-01T10:00:00Z"),
                FACTS.get(1).attributes());

        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, genuine).assertAllowed();
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, genuine.withFacts(List.of(FACTS.get(0), changed)))
                .assertDenied("batch from peer 'node-a' has a signature that does not match");
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, genuine.withFacts(List.of(FACTS.get(0))))
                .assertDenied("does not match");
        node.audit().assertEmitted("plugin:source-attestation", REJECTED,
                Map.of("hook", "federation_inbound_validate", "peer", "node-a", "facts", "1"));
    }

    @Test
    void aBatchSignedWithAnotherKeyIsDenied(TestNode node) {
        byte[] otherKey = new byte[32];
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(otherKey, FACTS, Instant.now()))
                .assertDenied("has a signature that does not match");
    }

    @Test
    void anUnsignedBatchIsDenied(TestNode node) {
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, new FederationBatch("node-a", FACTS, Map.of()))
                .assertDenied("batch from peer 'node-a' is not signed (headers X-Stigmem-Signature and X-Stigmem-Signed-At required)");
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE,
                new FederationBatch("node-a", FACTS, Map.of(SIGNATURE, referenceSignature(KEY, FACTS, "x"))))
                .assertDenied("is not signed");
    }

    @Test
    void aStaleOrFutureSigningTimeIsDeniedEvenWithAValidSignature(TestNode node) {
        Instant now = Instant.now();
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, now.minus(Duration.ofMinutes(6))))
                .assertDenied("more than 300 s from now");
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, now.plus(Duration.ofMinutes(6))))
                .assertDenied("more than 300 s from now");
        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, now.minus(Duration.ofMinutes(4))))
                .assertAllowed();
    }

    @Test
    void anUnreadableSigningTimeIsDeniedAndQuotedOnlyInPart(TestNode node) {
        String junk = "yesterday" + "!".repeat(200);
        String reason = node.vote(Hook.FEDERATION_INBOUND_VALIDATE,
                new FederationBatch("node-a", FACTS, Map.of(SIGNED_AT, junk, SIGNATURE, "hmac-sha256=00"))).assertDenied();

        assertThat(reason).startsWith("batch from peer 'node-a' has an unreadable X-Stigmem-Signed-At 'yesterday!!!")
                .endsWith("...'").hasSizeLessThan(150);
    }

    @Test
    void aSignedBatchHoldingAFactWithoutSourceIsDenied(TestNode node) {
        List<Fact> facts = List.of(FACTS.get(0), fact("f-3", "carol", null));

        node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, facts, Instant.now()))
                .assertDenied("fact f-3 in batch from peer 'node-a' has no 'source' attribute");
        node.audit().assertEmitted("plugin:source-attestation", REJECTED, Map.of("peer", "node-a", "fact", "f-3"));
    }

    @Test
    void declaresExactlyTheCapabilitiesItsBytecodeUses(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege().assertUses(Capability.CONFIG_READ, Capability.AUDIT_EMIT);
    }

    /** No key configured: nothing unsigned leaves, nothing unverified comes in. */
    @Nested
    @PluginTest
    class WithoutAKey {
        @Test
        void signingFailsSoTheBatchIsNotSent(TestNode node) {
            HookFailure failure = node.filter(Hook.FEDERATION_OUTBOUND_SIGN, new FederationBatch("node-b", FACTS, Map.of()))
                    .assertFailed();

            assertThat(failure.plugin()).isEqualTo("source-attestation");
            assertThat(failure.detail()).contains("no usable signing key: source-attestation.hmac-key is not set");
        }

        @Test
        void everyInboundBatchIsDenied(TestNode node) {
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, Instant.now()))
                    .assertDenied("cannot verify batch from peer 'node-a': no usable signing key: source-attestation.hmac-key is not set");
        }
    }

    /** A key too short to be an HMAC-SHA256 key is refused, not used. */
    @Nested
    @PluginTest(config = "source-attestation.hmac-key=AAECAwQFBgcICQoLDA0ODw==")
    class WithAShortKey {
        @Test
        void theKeyIsRefusedWithItsLength(TestNode node) {
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODw=="),
                    FACTS, Instant.now())).assertDenied("source-attestation.hmac-key holds 16 bytes, at least 32 are needed");
            node.filter(Hook.FEDERATION_OUTBOUND_SIGN, new FederationBatch("node-b", FACTS, Map.of())).assertFailed();
        }
    }

    /** The operator narrows the accepted signing-time window to a minute. */
    @Nested
    @PluginTest(config = {"source-attestation.hmac-key=" + KEY_BASE64, "source-attestation.max-age-seconds=60"})
    class WithAOneMinuteWindow {
        @Test
        void signaturesOlderThanTheWindowAreDenied(TestNode node) {
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, Instant.now().minusSeconds(90)))
                    .assertDenied("more than 60 s from now");
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, Instant.now().minusSeconds(30)))
                    .assertAllowed();
        }
    }

    /** A malformed window fails closed with the key named. */
    @Nested
    @PluginTest(config = {"source-attestation.hmac-key=" + KEY_BASE64, "source-attestation.max-age-seconds=soon"})
    class WithAMalformedWindow {
        @Test
        void inboundBatchesAreDenied(TestNode node) {
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, Instant.now()))
                    .assertDenied("source-attestation.max-age-seconds is not a number: 'soon'");
        }
    }

    /** A node that gives plugins no configuration: the plugin cannot find its key. */
    @Nested
    @PluginTest(withoutCoreApis = "config.read")
    class WithoutConfiguration {
        @Test
        void signingFailsAndVerificationDenies(TestNode node) {
            assertThat(node.filter(Hook.FEDERATION_OUTBOUND_SIGN, new FederationBatch("node-b", FACTS, Map.of()))
                    .assertFailed().detail()).contains("cannot sign the batch for peer 'node-b': the node does not provide config.read");
            node.vote(Hook.FEDERATION_INBOUND_VALIDATE, signedBatch(KEY, FACTS, Instant.now()))
                    .assertDenied("the node does not provide config.read");
        }
    }

    /** The gate refuses audit.emit: a rejection cannot be recorded, so the vote fails instead of passing silently. */
    @Nested
    @PluginTest(config = "source-attestation.hmac-key=" + KEY_BASE64, revoke = "audit.emit")
    class WithAuditEmitRevoked {
        @Test
        void aRejectionFailsOnTheGate(TestNode node) {
            HookFailure failure = node.vote(Hook.PRE_ASSERT_VALIDATE,
                            new AssertRequest("alice", FactDraft.of("alice", "likes", "tea", "default")))
                    .assertCapabilityDenied(Capability.AUDIT_EMIT)
                    .assertFailed();

            assertThat(failure.capability()).contains("audit.emit");
            assertThat(failure.detail()).contains("cannot call getAuditEmitter");
        }

        @Test
        void factsWithASourceDoNotNeedTheAuditTrail(TestNode node) {
            node.vote(Hook.PRE_ASSERT_VALIDATE, new AssertRequest("alice",
                    FactDraft.of("alice", "likes", "tea", "default").withAttribute("source", "survey"))).assertAllowed();
        }
    }
}
