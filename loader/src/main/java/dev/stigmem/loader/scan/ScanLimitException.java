package dev.stigmem.loader.scan;

/** The archive exceeds one of the {@link ScanLimits}. */
public final class ScanLimitException extends ScanException {
    private static final long serialVersionUID = 1L;

    public ScanLimitException(String message) {
        super(message);
    }
}
