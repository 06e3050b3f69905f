package dev.stigmem.api;

import java.util.Objects;

/**
 * A plugin handler failed: it threw (a {@link CapabilityError} included), returned a value its
 * hook does not accept ({@code null} vote or filter value), or ran over its time limit.
 */
public class PluginExecutionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String handler;
    private final String hook;

    /**
     * @param pluginName the plugin whose handler failed
     * @param handler    the handler (class name of the plugin's hook implementation)
     * @param hook       the hook id, for example {@code pre_assert_authorize}
     * @param detail     what went wrong
     * @param cause      the handler's exception, or {@code null} when it returned a bad value
     */
    public PluginExecutionError(String pluginName, String handler, String hook, String detail, Throwable cause) {
        super("plugin '" + Objects.requireNonNull(pluginName, "pluginName") + "' handler " + Objects.requireNonNull(handler, "handler")
                + " failed on hook " + Objects.requireNonNull(hook, "hook") + ": " + Objects.requireNonNull(detail, "detail"), cause);
        this.pluginName = pluginName;
        this.handler = handler;
        this.hook = hook;
    }

    public String pluginName() {
        return pluginName;
    }

    public String handler() {
        return handler;
    }

    public String hook() {
        return hook;
    }
}
