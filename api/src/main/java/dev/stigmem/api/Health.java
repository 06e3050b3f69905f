package dev.stigmem.api;

import java.util.Objects;

/**
 * A plugin's answer to a health check. Informational: the node reports it to operators and does
 * not unload a plugin for it.
 *
 * @param status  the status
 * @param message a short explanation for operators (may be empty)
 */
public record Health(Status status, String message) {
    /** The four states of the reference implementation. */
    public enum Status { HEALTHY, DEGRADED, UNHEALTHY, UNKNOWN }

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    public static Health healthy() {
        return new Health(Status.HEALTHY, "");
    }

    public static Health degraded(String message) {
        return new Health(Status.DEGRADED, message);
    }

    public static Health unhealthy(String message) {
        return new Health(Status.UNHEALTHY, message);
    }

    public static Health unknown() {
        return new Health(Status.UNKNOWN, "");
    }
}
