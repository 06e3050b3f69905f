package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A set of plugins cannot be ordered: a {@code dependsOn} names a plugin that is not in the set, the dependencies form a cycle, or two archives declare the same plugin name.
 */
public final class PluginDependencyException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public PluginDependencyException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public PluginDependencyException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
