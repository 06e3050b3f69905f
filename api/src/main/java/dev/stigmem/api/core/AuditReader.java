package dev.stigmem.api.core;

import java.util.List;

/** Reads the audit trail; obtained with capability {@code audit.read} (sensitive). */
public interface AuditReader {
    /** The newest events, oldest first, at most {@code limit} (1 to 10,000). */
    List<AuditEvent> recent(int limit);

    /** Events with this action, oldest first, at most {@code limit} (1 to 10,000). */
    List<AuditEvent> byAction(String action, int limit);
}
