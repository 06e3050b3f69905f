package com.example.attestation;

import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.Fact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over a canonical encoding of a federation batch's facts and signing time.
 *
 * <p>The encoding is unambiguous: a domain label, then every field length-prefixed (4 bytes,
 * big-endian) in UTF-8, the facts in batch order and each fact's attributes sorted by key. The
 * peer id is not signed, because a batch carries the receiver's id on the way out and the
 * sender's on the way in; the key is what binds a batch to the federation.
 *
 * <p>Immutable and thread-safe: a {@link Mac} is created per call.
 */
final class BatchSignature {

    /** JCA name of the MAC; SunJCE in java.base provides it. */
    static final String ALGORITHM = "HmacSHA256";

    /** Prefix of the signature header's value. */
    static final String SCHEME = "hmac-sha256=";

    /** Shortest key accepted: the MAC's output length. */
    static final int MIN_KEY_BYTES = 32;

    /** What the node hands out instead of a value it classes as a secret. */
    static final String REDACTED = "[redacted]";

    private static final byte[] DOMAIN = "stigmem-source-attestation-v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key;

    private BatchSignature(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * The key configured under {@code configKey}: base64, at least {@value #MIN_KEY_BYTES} bytes.
     *
     * @throws UnusableKeyException if it is missing, redacted by the node, not base64 or too short
     */
    static BatchSignature fromConfig(ConfigReader config, String configKey) {
        String value = config.get(configKey)
                .orElseThrow(() -> new UnusableKeyException(configKey + " is not set"));
        if (REDACTED.equals(value)) {
            throw new UnusableKeyException(configKey + " reads as " + REDACTED
                    + ": the node redacts keys whose name looks like a secret, so the plugin never sees it");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new UnusableKeyException(configKey + " is not base64: " + e.getMessage());
        }
        if (raw.length < MIN_KEY_BYTES) {
            throw new UnusableKeyException(configKey + " holds " + raw.length + " bytes, at least " + MIN_KEY_BYTES
                    + " are needed");
        }
        return new BatchSignature(raw);
    }

    /** The signature header value for these facts signed at {@code signedAt}. */
    String sign(List<Fact> facts, String signedAt) {
        return SCHEME + HexFormat.of().formatHex(mac(facts, signedAt));
    }

    /** Whether {@code header} is this key's signature of these facts at {@code signedAt} (constant time). */
    boolean verify(List<Fact> facts, String signedAt, String header) {
        byte[] expected = sign(facts, signedAt).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(List<Fact> facts, String signedAt) {
        Mac mac;
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        }
        field(mac, DOMAIN);
        field(mac, signedAt);
        length(mac, facts.size());
        for (Fact fact : facts) {
            field(mac, fact.id());
            field(mac, fact.subject());
            field(mac, fact.predicate());
            field(mac, fact.object());
            field(mac, fact.tenant());
            field(mac, fact.source());
            field(mac, fact.assertedAt().toString());
            Map<String, String> attributes = new TreeMap<>(fact.attributes());
            length(mac, attributes.size());
            attributes.forEach((k, v) -> {
                field(mac, k);
                field(mac, v);
            });
        }
        return mac.doFinal();
    }

    private static void field(Mac mac, String value) {
        field(mac, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(Mac mac, byte[] bytes) {
        length(mac, bytes.length);
        mac.update(bytes);
    }

    private static void length(Mac mac, int n) {
        mac.update((byte) (n >>> 24));
        mac.update((byte) (n >>> 16));
        mac.update((byte) (n >>> 8));
        mac.update((byte) n);
    }

    /** The configured key cannot be used; the message says why and names the configuration key. */
    static final class UnusableKeyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnusableKeyException(String message) {
            super("no usable signing key: " + message);
        }
    }
}
