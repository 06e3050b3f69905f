package dev.stigmem.guard;

/**
 * The runtime JDK guard could not be installed in this JVM, so plugins must not be loaded here: the
 * message says which flag to add.
 */
public class GuardUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public GuardUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
