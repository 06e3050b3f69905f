package dev.stigmem.node.internal.untrusted;

/**
 * The node does not take a value a plugin handed it (a hook result or a core API argument): of the
 * wrong type, with elements of the wrong type, or over a bound. The message is the node's own text,
 * plugin parts rendered by {@link PluginText}; it says what was wrong without repeating the value.
 */
public final class PluginValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PluginValueException(String message) {
        super(message);
    }
}
