package dev.stigmem.api.core;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An outbound HTTP request a plugin asks the node to send.
 *
 * @param method      HTTP method, upper case
 * @param destination absolute {@code http} or {@code https} URI; the node checks it against its allowlist
 * @param headers     request headers (copied, unmodifiable)
 * @param body        request body bytes (copied)
 * @param timeout     how long to wait for the whole exchange (positive, at most 30 s)
 */
public record OutboundRequest(String method, URI destination, Map<String, String> headers, byte[] body, Duration timeout) {
    /** Upper bound on {@link #timeout()}. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    public OutboundRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(timeout, "timeout");
        if (!destination.isAbsolute() || !("http".equals(destination.getScheme()) || "https".equals(destination.getScheme()))) {
            throw new IllegalArgumentException("destination must be an absolute http(s) URI, was " + destination);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be positive and at most " + MAX_TIMEOUT + ", was " + timeout);
        }
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** A POST of a body with one content type. */
    public static OutboundRequest post(URI destination, String contentType, byte[] body, Duration timeout) {
        return new OutboundRequest("POST", destination, Map.of("Content-Type", contentType), body, timeout);
    }
}
