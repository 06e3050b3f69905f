package dev.stigmem.api.core;

import java.util.Map;
import java.util.Set;

/**
 * Appends to the audit trail; obtained with capability {@code audit.emit}. Does not grant read
 * access to audit history. The node records the calling plugin as the actor.
 *
 * <p>Bounds, so that a plugin's events can neither pass for the node's nor swamp the trail: an
 * action is 1 to 64 characters of {@code [a-z0-9_.-]} starting with a letter or digit, and does not
 * start with one of {@link #RESERVED_ACTION_PREFIXES}; at most {@link #MAX_ATTRIBUTES} attributes,
 * keys of at most 64 characters, values of at most {@link #MAX_VALUE_LENGTH} characters.
 */
public interface AuditEmitter {

    /** The node's own action namespaces; a plugin's action may not start with any of them. */
    Set<String> RESERVED_ACTION_PREFIXES = Set.of("node.", "plugin.", "hook.", "capability.", "fact.", "recall.",
            "identity.", "install.", "trust.", "host.", "tenant.", "federation.");

    /** The most attributes one event may carry. */
    int MAX_ATTRIBUTES = 32;

    /** The longest attribute value, in chars. */
    int MAX_VALUE_LENGTH = 4096;

    /**
     * Records an event; returns it as recorded (with sequence and time).
     *
     * @throws IllegalArgumentException if the action or the attributes are outside the bounds above
     */
    AuditEvent emit(String action, Map<String, String> attributes);
}
