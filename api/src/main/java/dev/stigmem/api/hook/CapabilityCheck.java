package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code capability_check} (voting, ordering {@code core_first}): the handler votes on whether a plugin may use a declared capability. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#CAPABILITY_CHECK
 */
@FunctionalInterface
public non-sealed interface CapabilityCheck extends HookHandler {
    Vote capabilityCheck(PluginContext context, CapabilityGrant payload);
}
