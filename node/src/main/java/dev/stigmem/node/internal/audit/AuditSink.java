package dev.stigmem.node.internal.audit;

import java.util.Map;

/**
 * Where the node records audit events: registrations, trust decisions, rejections, handler
 * failures and denials. Implementations are thread-safe and must not throw for a well-formed
 * event except when the trail itself cannot be written, which the caller treats as fatal.
 */
@FunctionalInterface
public interface AuditSink {

    /**
     * Records one event.
     *
     * @param actor      who caused it: {@code node}, {@code plugin:NAME} or a principal
     * @param action     what happened, dotted lower case, for example {@code hook.handler_failed}
     * @param attributes details; copied by the sink
     */
    void record(String actor, String action, Map<String, String> attributes);
}
