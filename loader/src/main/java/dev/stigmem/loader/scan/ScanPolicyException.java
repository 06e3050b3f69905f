package dev.stigmem.loader.scan;

/** A policy file is malformed or tries what policy files may not; the message names {@code file:line}. */
public final class ScanPolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScanPolicyException(String message) {
        super(message);
    }

    public ScanPolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
