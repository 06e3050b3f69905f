package dev.stigmem.node;

import dev.stigmem.api.hook.Hook;
import java.util.Objects;

/**
 * What operators and embedding hosts see of one registered hook handler.
 *
 * @param hook        the hook it handles
 * @param core        whether it is the node's own handler rather than a plugin's
 * @param pluginName  the plugin that registered it ({@code node} for core handlers)
 * @param handlerName its name, which fixes its place within its partition
 */
public record HandlerInfo(Hook hook, boolean core, String pluginName, String handlerName) {
    public HandlerInfo {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(handlerName, "handlerName");
    }
}
