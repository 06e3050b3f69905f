package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code federation_peer_authenticate} (voting, ordering {@code core_first}): the handler votes on whether a peer's handshake authenticates it. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#FEDERATION_PEER_AUTHENTICATE
 */
@FunctionalInterface
public non-sealed interface FederationPeerAuthenticate extends HookHandler {
    Vote federationPeerAuthenticate(PluginContext context, PeerHandshake payload);
}
