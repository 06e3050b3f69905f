package dev.stigmem.node.internal.install;

/**
 * An install could not be decided or carried out because of its input or the file system: a
 * missing or unreadable archive, a plugin directory that is not one, an installed archive that
 * cannot be read, or an I/O failure while copying. The plugin directory is as it was.
 */
public class InstallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InstallException(String message) {
        super(message);
    }

    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
