package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code federation_inbound_validate} (voting, ordering {@code core_first}): the handler votes on whether a batch received from a peer is valid. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#FEDERATION_INBOUND_VALIDATE
 */
@FunctionalInterface
public non-sealed interface FederationInboundValidate extends HookHandler {
    Vote federationInboundValidate(PluginContext context, FederationBatch payload);
}
