package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code config_validate} (voting, ordering {@code core_first}): the handler votes on whether a configuration change is valid. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#CONFIG_VALIDATE
 */
@FunctionalInterface
public non-sealed interface ConfigValidate extends HookHandler {
    Vote configValidate(PluginContext context, ConfigChange payload);
}
