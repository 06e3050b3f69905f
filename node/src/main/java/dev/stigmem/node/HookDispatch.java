package dev.stigmem.node;

import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.Vote;
import java.util.List;
import java.util.Map;

/**
 * The hook sites of a started node, for the host code that owns them: the embedded core fires the
 * assert and recall hooks itself; a host that adds federation, identity, tenant, migration or
 * configuration flows fires those hooks here. Each call runs the hook's handlers with its
 * {@link Hook.Semantic semantic} and {@link Hook.Ordering ordering}, exactly as the core does.
 *
 * <p>The payload must be of the hook's payload type ({@link Hook#handlerType()}'s parameter);
 * anything else is an {@link IllegalArgumentException}, as is calling a method of another semantic.
 * Thread-safe: the registry behind it is frozen.
 */
public interface HookDispatch {

    /**
     * Runs a voting hook: the first {@link Vote.Deny} wins and stops the vote.
     *
     * @throws PluginExecutionError if a plugin handler fails or returns {@code null}
     */
    Vote vote(Hook hook, Object payload);

    /**
     * Runs a filter chain: each handler receives the value the previous one returned.
     *
     * @throws PluginExecutionError if a plugin handler fails or returns {@code null}
     */
    <T> T filter(Hook hook, T value);

    /**
     * Runs a score-delta hook: deltas by id, summed over the handlers.
     *
     * @throws PluginExecutionError if a plugin handler fails or returns an unusable delta
     */
    Map<String, Double> scores(Hook hook, Object payload);

    /**
     * Runs a fire-and-forget hook: plugin failures are logged and audited, and only the strict
     * audit hooks surface them (after every handler ran).
     *
     * @throws PluginExecutionError on a strict hook, if a plugin handler failed
     */
    void fire(Hook hook, Object payload);

    /** The handlers of a hook in dispatch order. */
    List<HandlerInfo> handlers(Hook hook);
}
