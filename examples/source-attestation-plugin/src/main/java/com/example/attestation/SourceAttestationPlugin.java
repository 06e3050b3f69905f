package com.example.attestation;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FederationBatch;
import dev.stigmem.api.hook.FederationInboundValidate;
import dev.stigmem.api.hook.FederationOutboundSign;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Source attestation, modelled on the reference node's provenance plugin: no fact without a
 * source, and no federation batch without a valid signature.
 *
 * <ul>
 *   <li>{@code pre_assert_validate}: a fact must carry a non-blank {@value #SOURCE_ATTRIBUTE}
 *       attribute (where the statement comes from: a document, a URL, a sensor) of at most
 *       {@value #MAX_SOURCE_LENGTH} characters.</li>
 *   <li>{@code federation_outbound_sign}: adds {@value #SIGNED_AT_HEADER} (the signing time, an
 *       ISO-8601 instant) and {@value #SIGNATURE_HEADER} ({@code hmac-sha256=HEX}) to every batch
 *       sent to a peer. Without a usable key the handler fails, so no unsigned batch leaves.</li>
 *   <li>{@code federation_inbound_validate}: denies a batch whose signature is missing or wrong,
 *       whose signing time is further than the maximum age from now, or one of whose facts has no
 *       source.</li>
 * </ul>
 * Every denial is also recorded as a {@value #AUDIT_REJECTED} audit event with the hook, the
 * principal or peer, and the reason.
 *
 * <p>Configuration, read through {@code config.read} on every call (so a rotated key applies at
 * once):
 * <ul>
 *   <li>{@value #KEY_CONFIG}: the federation's shared HMAC key, base64, at least 32 bytes. Note
 *       that the node redacts configuration values whose key names a secret ({@code secret},
 *       {@code token}, {@code api-key}, ...), so the key must be stored under this name.</li>
 *   <li>{@value #MAX_AGE_CONFIG}: how old (or how far in the future) a signing time may be, in
 *       seconds, 1 to 86,400; default 300.</li>
 * </ul>
 *
 * <p>Capabilities, exactly what the code calls: {@code config.read} (the key and the maximum age)
 * and {@code audit.emit} (the rejections). The HMAC comes from {@code javax.crypto}, which the
 * shipped scan policy allows.
 */
@StigmemPlugin(name = "source-attestation", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"config.read", "audit.emit"})
public final class SourceAttestationPlugin implements Plugin, PreAssertValidate, FederationOutboundSign,
        FederationInboundValidate {

    /** The fact attribute naming where a fact comes from. */
    public static final String SOURCE_ATTRIBUTE = "source";

    /** Upper bound on the source attribute. */
    public static final int MAX_SOURCE_LENGTH = 2_048;

    /** Configuration key of the shared HMAC key (base64). */
    public static final String KEY_CONFIG = "source-attestation.hmac-key";

    /** Configuration key of the maximum signature age in seconds. */
    public static final String MAX_AGE_CONFIG = "source-attestation.max-age-seconds";

    /** Maximum signature age when {@link #MAX_AGE_CONFIG} is not set. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

    /** Batch header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Stigmem-Signature";

    /** Batch header carrying the signing time. */
    public static final String SIGNED_AT_HEADER = "X-Stigmem-Signed-At";

    /** Audit action of every denial. */
    public static final String AUDIT_REJECTED = "source_attestation.rejected";

    private static final long MAX_AGE_LIMIT_SECONDS = 86_400;

    /** Denies a fact that does not say where it comes from. */
    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest payload) {
        String source = payload.draft().attributes().get(SOURCE_ATTRIBUTE);
        String problem = sourceProblem(source);
        if (problem == null) {
            return Vote.allow();
        }
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("principal", payload.principal());
        audit.put("tenant", payload.draft().tenant());
        return reject(context, "pre_assert_validate", audit, "fact about '" + payload.draft().subject() + "' " + problem);
    }

    /**
     * Signs a batch for a peer.
     *
     * @throws IllegalStateException if the node does not provide {@code config.read} or the key is
     *                               unusable; the batch is then not sent
     */
    @Override
    public FederationBatch federationOutboundSign(PluginContext context, FederationBatch payload) {
        ConfigReader config = context.getConfigReader().orElseThrow(() -> new IllegalStateException(
                "cannot sign the batch for peer '" + payload.peerId() + "': the node does not provide config.read"));
        BatchSignature signature = BatchSignature.fromConfig(config, KEY_CONFIG);
        String signedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return payload
                .withHeader(SIGNED_AT_HEADER, signedAt)
                .withHeader(SIGNATURE_HEADER, signature.sign(payload.facts(), signedAt));
    }

    /** Denies a batch that is unsigned, badly signed, stale, or holds a fact without a source. */
    @Override
    public Vote federationInboundValidate(PluginContext context, FederationBatch payload) {
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("peer", payload.peerId());
        audit.put("facts", Integer.toString(payload.facts().size()));
        String from = "batch from peer '" + payload.peerId() + "'";

        Optional<ConfigReader> config = context.getConfigReader();
        if (config.isEmpty()) {
            return reject(context, "federation_inbound_validate", audit,
                    "cannot verify " + from + ": the node does not provide config.read");
        }
        BatchSignature key;
        Duration maxAge;
        try {
            key = BatchSignature.fromConfig(config.get(), KEY_CONFIG);
            maxAge = maxAge(config.get());
        } catch (IllegalStateException | IllegalArgumentException e) {
            return reject(context, "federation_inbound_validate", audit, "cannot verify " + from + ": " + e.getMessage());
        }

        String signature = payload.headers().get(SIGNATURE_HEADER);
        String signedAt = payload.headers().get(SIGNED_AT_HEADER);
        if (signature == null || signedAt == null) {
            return reject(context, "federation_inbound_validate", audit, from + " is not signed (headers "
                    + SIGNATURE_HEADER + " and " + SIGNED_AT_HEADER + " required)");
        }
        Instant at;
        try {
            at = Instant.parse(signedAt);
        } catch (DateTimeParseException e) {
            return reject(context, "federation_inbound_validate", audit,
                    from + " has an unreadable " + SIGNED_AT_HEADER + " '" + abbreviate(signedAt) + "'");
        }
        Duration skew = Duration.between(at, Instant.now()).abs();
        if (skew.compareTo(maxAge) > 0) {
            return reject(context, "federation_inbound_validate", audit, from + " was signed at " + at
                    + ", more than " + maxAge.toSeconds() + " s from now");
        }
        if (!key.verify(payload.facts(), signedAt, signature)) {
            return reject(context, "federation_inbound_validate", audit, from + " has a signature that does not match");
        }
        for (Fact fact : payload.facts()) {
            String problem = sourceProblem(fact.attributes().get(SOURCE_ATTRIBUTE));
            if (problem != null) {
                audit.put("fact", fact.id());
                return reject(context, "federation_inbound_validate", audit,
                        "fact " + fact.id() + " in " + from + " " + problem);
            }
        }
        return Vote.allow();
    }

    /** Why a source attribute is unacceptable, or {@code null} when it is fine. */
    private static String sourceProblem(String source) {
        if (source == null || source.isBlank()) {
            return "has no '" + SOURCE_ATTRIBUTE + "' attribute saying where it comes from";
        }
        if (source.length() > MAX_SOURCE_LENGTH) {
            return "has a '" + SOURCE_ATTRIBUTE + "' attribute longer than " + MAX_SOURCE_LENGTH + " characters";
        }
        return null;
    }

    private static Duration maxAge(ConfigReader config) {
        Optional<String> value = config.get(MAX_AGE_CONFIG);
        if (value.isEmpty()) {
            return DEFAULT_MAX_AGE;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value.get().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_AGE_CONFIG + " is not a number: '" + abbreviate(value.get()) + "'");
        }
        if (seconds < 1 || seconds > MAX_AGE_LIMIT_SECONDS) {
            throw new IllegalArgumentException(MAX_AGE_CONFIG + " must be between 1 and " + MAX_AGE_LIMIT_SECONDS
                    + ", was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static Vote reject(PluginContext context, String hook, Map<String, String> attributes, String reason) {
        context.getAuditEmitter().ifPresent(audit -> {
            Map<String, String> event = new LinkedHashMap<>(attributes);
            event.put("hook", hook);
            event.put("reason", reason);
            audit.emit(AUDIT_REJECTED, event);
        });
        return Vote.deny(reason);
    }

    /** Peer-supplied text quoted in a reason, cut to a readable length. */
    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
