package com.example.webhook;

import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.OutboundResponse;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.PostAssertPropagate;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Webhook notifications, modelled on the reference node's webhook plugin: every fact the node
 * propagates is POSTed as JSON to an operator's endpoint.
 *
 * <p>{@code post_assert_propagate} builds a {@link Notification} (bounded to 16 KiB) and sends it
 * through the node's {@link NetworkOutbound} handle, which enforces the node's destination
 * allowlist ({@code stigmem node --allow-outbound ORIGIN}) and timeouts. Headers:
 * {@code Content-Type: application/json}, {@code X-Stigmem-Event: fact.asserted} and
 * {@code X-Stigmem-Delivery: FACT-ID} (for receivers that deduplicate).
 *
 * <p>Delivery is best effort: the assert has already succeeded, so a failure never reaches the
 * asserting principal. Every failure (configuration missing or invalid, destination refused by the
 * allowlist, I/O error or timeout, non-2xx answer) is recorded as a {@value #AUDIT_FAILED} audit
 * event with the fact id, the destination's origin (never its path or query, which often hold a
 * token) and the reason, and the plugin's {@linkplain #health() health} turns degraded until a
 * delivery succeeds again.
 *
 * <p>Configuration ({@code config.read}):
 * <ul>
 *   <li>{@value #URL_CONFIG}: the endpoint, an absolute {@code http} or {@code https} URL
 *       (required);</li>
 *   <li>{@value #PREDICATES_CONFIG}: comma-separated predicates to notify about (default: all);</li>
 *   <li>{@value #TIMEOUT_CONFIG}: the exchange's timeout in milliseconds, 1 to 30,000 (default
 *       5,000).</li>
 * </ul>
 *
 * <p>Capabilities, exactly what the code calls: {@code config.read}, {@code network.outbound},
 * {@code audit.emit}.
 */
@StigmemPlugin(name = "webhook", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"config.read", "network.outbound", "audit.emit"})
public final class WebhookPlugin implements Plugin, PostAssertPropagate {

    /** Configuration key of the endpoint URL. */
    public static final String URL_CONFIG = "webhook.url";

    /** Configuration key of the predicate filter. */
    public static final String PREDICATES_CONFIG = "webhook.predicates";

    /** Configuration key of the timeout in milliseconds. */
    public static final String TIMEOUT_CONFIG = "webhook.timeout-ms";

    /** Timeout when {@link #TIMEOUT_CONFIG} is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Audit action of a failed delivery. */
    public static final String AUDIT_FAILED = "webhook.delivery_failed";

    /** The last delivery's outcome: {@code null} before the first, "" after a success, else the failure. */
    private volatile String lastFailure;

    /** Notifies the webhook of a propagated fact; failures are audited, never thrown. */
    @Override
    public void postAssertPropagate(PluginContext context, FactEvent payload) {
        Optional<ConfigReader> config = context.getConfigReader();
        if (config.isEmpty()) {
            failed(context, payload, "-", "the node does not provide config.read");
            return;
        }
        Settings settings;
        try {
            settings = Settings.read(config.get());
        } catch (IllegalArgumentException e) {
            failed(context, payload, "-", e.getMessage());
            return;
        }
        if (!settings.notifies(payload.fact().predicate())) {
            return;
        }
        String origin = origin(settings.url());
        Optional<NetworkOutbound> network = context.getNetworkOutbound();
        if (network.isEmpty()) {
            failed(context, payload, origin, "the node does not provide network.outbound");
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Stigmem-Event", Notification.EVENT);
        headers.put("X-Stigmem-Delivery", payload.fact().id());
        OutboundRequest request = new OutboundRequest("POST", settings.url(), headers, Notification.json(payload),
                settings.timeout());
        OutboundResponse response;
        try {
            response = network.get().send(request);
        } catch (SecurityException e) {
            failed(context, payload, origin, "the node refused the destination: " + e.getMessage());
            return;
        } catch (IOException e) {
            failed(context, payload, origin, "delivery failed: " + e);
            return;
        }
        if (response.status() < 200 || response.status() > 299) {
            failed(context, payload, origin, "the webhook answered HTTP " + response.status());
            return;
        }
        lastFailure = "";
    }

    /** Unknown before the first delivery, healthy after a success, degraded after a failure. */
    @Override
    public Health health() {
        String failure = lastFailure;
        if (failure == null) {
            return Health.unknown();
        }
        return failure.isEmpty() ? Health.healthy() : Health.degraded("last delivery failed: " + failure);
    }

    private void failed(PluginContext context, FactEvent payload, String origin, String reason) {
        lastFailure = reason;
        context.getAuditEmitter().ifPresent(audit -> audit.emit(AUDIT_FAILED, Map.of(
                "fact", payload.fact().id(),
                "destination", origin,
                "reason", reason)));
    }

    /** scheme://host[:port] of a URL: what an audit event may show of a webhook destination. */
    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }

    /**
     * The plugin's configuration, read and checked.
     *
     * @param url        the endpoint
     * @param predicates predicates to notify about; empty for all
     * @param timeout    the exchange's timeout
     */
    record Settings(URI url, Set<String> predicates, Duration timeout) {

        /** @throws IllegalArgumentException naming the key that is missing or invalid (never its value) */
        static Settings read(ConfigReader config) {
            String rawUrl = config.get(URL_CONFIG)
                    .orElseThrow(() -> new IllegalArgumentException(URL_CONFIG + " is not set"));
            URI url;
            try {
                url = new URI(rawUrl.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(URL_CONFIG + " is not a valid URL");
            }
            if (!url.isAbsolute() || url.getHost() == null
                    || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new IllegalArgumentException(URL_CONFIG + " must be an absolute http or https URL");
            }
            Set<String> predicates = new TreeSet<>();
            for (String p : config.get(PREDICATES_CONFIG).orElse("").split(",")) {
                if (!p.isBlank()) {
                    predicates.add(p.strip());
                }
            }
            Duration timeout = DEFAULT_TIMEOUT;
            Optional<String> rawTimeout = config.get(TIMEOUT_CONFIG);
            if (rawTimeout.isPresent()) {
                long millis;
                try {
                    millis = Long.parseLong(rawTimeout.get().strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(TIMEOUT_CONFIG + " is not a number");
                }
                if (millis < 1 || millis > OutboundRequest.MAX_TIMEOUT.toMillis()) {
                    throw new IllegalArgumentException(TIMEOUT_CONFIG + " must be between 1 and "
                            + OutboundRequest.MAX_TIMEOUT.toMillis() + ", was " + millis);
                }
                timeout = Duration.ofMillis(millis);
            }
            return new Settings(url, Set.copyOf(predicates), timeout);
        }

        /** Whether a fact with this predicate is notified. */
        boolean notifies(String predicate) {
            return predicates.isEmpty() || predicates.contains(predicate);
        }
    }
}
