package dev.stigmem.loader.scan;

/**
 * The pre-scan could not come to a verdict: the archive is refused, as if it had a DENY finding.
 * Subclasses say why: {@link ScanInputException} (a class file the scanner cannot read fully),
 * {@link ScanLimitException} (a resource bound). Policy files fail with {@link ScanPolicyException}.
 */
public class ScanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScanException(String message, Throwable cause) {
        super(message, cause);
    }

    public ScanException(String message) {
        super(message);
    }
}
