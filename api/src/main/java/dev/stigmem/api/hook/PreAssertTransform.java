package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code pre_assert_transform} (filter chain, ordering {@code plugins_first}): the handler transforms a fact before it is persisted: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#PRE_ASSERT_TRANSFORM
 */
@FunctionalInterface
public non-sealed interface PreAssertTransform extends HookHandler {
    AssertRequest preAssertTransform(PluginContext context, AssertRequest payload);
}
