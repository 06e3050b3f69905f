package dev.stigmem.node.internal.install;

/**
 * The archive was read, but its declaration is refused (no or two entry classes, an invalid
 * manifest, module {@code requires} outside the allowlist), so there is nothing to verify or
 * compare: a rejection, audited as {@code plugin.install_refused}, not an input error; or an
 * uninstall of a plugin others depend on ({@code plugin.uninstall_refused}). The plugin directory
 * is as it was.
 */
public final class InstallRefusedException extends InstallException {
    private static final long serialVersionUID = 1L;

    public InstallRefusedException(String message) {
        super(message);
    }

    public InstallRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
