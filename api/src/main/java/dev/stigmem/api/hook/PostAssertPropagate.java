package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code post_assert_propagate} (fire and forget, ordering {@code plugin_only}): the handler observes a persisted fact that is being propagated to peers. A failure is logged and audited and the hook site goes on.
 *
 * @see Hook#POST_ASSERT_PROPAGATE
 */
@FunctionalInterface
public non-sealed interface PostAssertPropagate extends HookHandler {
    void postAssertPropagate(PluginContext context, FactEvent payload);
}
