package dev.stigmem.node;

import java.util.List;

/**
 * The node refused to start: a plugin failed a step (trust, scan, manifest, dependencies, capability
 * vote, start) and the operator did not ask to skip rejected plugins. Nothing was registered and
 * no plugin was started; the message lists each failure.
 */
public class NodeStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> failures;

    public NodeStartException(String message, List<String> failures, Throwable cause) {
        super(message, cause);
        this.failures = List.copyOf(failures);
    }

    /** One line per failed plugin archive. */
    public List<String> failures() {
        return failures;
    }
}
