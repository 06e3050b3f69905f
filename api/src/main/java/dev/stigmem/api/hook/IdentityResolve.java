package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code identity_resolve} (filter chain, ordering {@code core_first}): the handler transforms the identity resolved for a principal: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#IDENTITY_RESOLVE
 */
@FunctionalInterface
public non-sealed interface IdentityResolve extends HookHandler {
    IdentityResolution identityResolve(PluginContext context, IdentityResolution payload);
}
