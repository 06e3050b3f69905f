package dev.stigmem.testkit;

import java.util.Objects;
import java.util.Optional;

/**
 * A plugin handler failure during one hook call, as the node recorded it.
 *
 * @param plugin     the plugin whose handler failed
 * @param handler    the handler's name
 * @param hook       the hook id
 * @param detail     what went wrong (the exception, a {@code null} result, a time-out)
 * @param capability the capability the handler was refused, when the failure was a {@code CapabilityError}
 * @param exception  the {@link dev.stigmem.api.PluginExecutionError} the hook threw; empty on the
 *                   fire-and-forget hooks that swallow failures (then only the audit trail has it)
 */
public record HookFailure(String plugin, String handler, String hook, String detail, Optional<String> capability,
                          Optional<dev.stigmem.api.PluginExecutionError> exception) {
    public HookFailure {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(exception, "exception");
    }
}
