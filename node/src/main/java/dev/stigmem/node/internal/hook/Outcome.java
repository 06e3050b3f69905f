package dev.stigmem.node.internal.hook;

import dev.stigmem.api.CapabilityError;

/**
 * What a call into a plugin left for the node: a value of the node's own making or a failure as
 * text. Nothing the plugin made reaches node code after the call: not its returned object (the node
 * keeps its checked copy), not its exception (the node keeps its rendered text).
 */
sealed interface Outcome permits Outcome.Returned, Outcome.Failed {

    /** The call returned; {@code value} is the node's copy of what it returned ({@code null} for nothing). */
    record Returned(Object value) implements Outcome {
    }

    /**
     * The call failed, or was not made.
     *
     * @param detail     the node's text (plugin parts bounded and escaped), without the plugin and hook prefix
     * @param capability the node's own copy of a gate refusal that failed the call, or {@code null}
     * @param counts     whether the failure is the plugin's and counts towards its quarantine
     *                   (not when the node was busy or stopping)
     */
    record Failed(String detail, CapabilityError capability, boolean counts) implements Outcome {
        Failed(String detail) {
            this(detail, null, true);
        }
    }
}
