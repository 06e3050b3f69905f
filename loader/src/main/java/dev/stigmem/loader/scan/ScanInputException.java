package dev.stigmem.loader.scan;

/** A class file of the archive cannot be read fully (truncated, bad magic, too new, malformed). */
public final class ScanInputException extends ScanException {
    private static final long serialVersionUID = 1L;

    public ScanInputException(String message, Throwable cause) {
        super(message, cause);
    }

    public ScanInputException(String message) {
        super(message);
    }
}
