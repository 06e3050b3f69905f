package dev.stigmem.node;

import dev.stigmem.api.hook.Hook;
import java.util.Objects;

/**
 * A voting hook denied an operation (an assert, a recall, ...). Carries the hook and the reason of
 * the first deny, which the caller can show.
 */
public class OperationDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Hook hook;
    private final String reason;

    public OperationDeniedException(Hook hook, String reason) {
        super("denied at " + Objects.requireNonNull(hook, "hook").id() + ": " + Objects.requireNonNull(reason, "reason"));
        this.hook = hook;
        this.reason = reason;
    }

    /** The voting hook that denied. */
    public Hook hook() {
        return hook;
    }

    /** The reason the denying handler gave. */
    public String reason() {
        return reason;
    }
}
