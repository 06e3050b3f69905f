package dev.stigmem.api.core;

import java.io.IOException;

/**
 * Sends outbound requests through the node; obtained with capability {@code network.outbound}
 * (high impact). The node enforces its destination allowlist and timeouts.
 */
public interface NetworkOutbound {
    /**
     * Sends a request and waits for the response.
     *
     * @throws SecurityException if the destination is not on the node's allowlist
     * @throws IOException       if the exchange fails or times out
     */
    OutboundResponse send(OutboundRequest request) throws IOException;
}
