package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code pre_assert_validate} (voting, ordering {@code core_first}): the handler votes on whether an asserted fact is valid. Return {@link Vote#allow()} or {@link Vote#deny(String)}; the first deny wins, and {@code null} or an exception is a {@link dev.stigmem.api.PluginExecutionError}.
 *
 * @see Hook#PRE_ASSERT_VALIDATE
 */
@FunctionalInterface
public non-sealed interface PreAssertValidate extends HookHandler {
    Vote preAssertValidate(PluginContext context, AssertRequest payload);
}
