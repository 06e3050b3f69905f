package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code post_assert_persist} (fire and forget, ordering {@code plugin_only}): the handler observes a fact the node has persisted. A failure is logged and audited and the hook site goes on.
 *
 * @see Hook#POST_ASSERT_PERSIST
 */
@FunctionalInterface
public non-sealed interface PostAssertPersist extends HookHandler {
    void postAssertPersist(PluginContext context, FactEvent payload);
}
