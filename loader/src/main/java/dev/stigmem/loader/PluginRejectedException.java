package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An {@link ArchiveCheck} (signature trust, bytecode scan) refused the archive before any of its code was loaded.
 */
public final class PluginRejectedException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public PluginRejectedException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public PluginRejectedException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
