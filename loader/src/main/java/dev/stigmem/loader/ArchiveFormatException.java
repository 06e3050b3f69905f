package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The archive cannot be read safely: corrupt, empty, over a resource bound (zip bomb, too many or too large entries), or ambiguous (duplicate names, path traversal, headers that two zip readers would read differently).
 */
public final class ArchiveFormatException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public ArchiveFormatException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public ArchiveFormatException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
