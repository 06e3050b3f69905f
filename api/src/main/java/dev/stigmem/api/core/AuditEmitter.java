package dev.stigmem.api.core;

import java.util.Map;

/**
 * Appends to the audit trail; obtained with capability {@code audit.emit}. Does not grant read
 * access to audit history. The node records the calling plugin as the actor.
 */
public interface AuditEmitter {
    /** Records an event; returns it as recorded (with sequence and time). */
    AuditEvent emit(String action, Map<String, String> attributes);
}
