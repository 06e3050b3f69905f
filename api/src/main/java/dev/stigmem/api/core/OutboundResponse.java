package dev.stigmem.api.core;

import java.util.Map;

/**
 * The answer to an {@link OutboundRequest}.
 *
 * @param status  HTTP status code
 * @param headers response headers (first value of each; copied, unmodifiable)
 * @param body    response body bytes (copied)
 */
public record OutboundResponse(int status, Map<String, String> headers, byte[] body) {
    public OutboundResponse {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
