package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plugin's modules cannot be resolved into a layer of their own: a module name or package that clashes with the host or with another module of the archive, a missing module, or a host that does not hold {@code dev.stigmem.api} as a named module.
 */
public final class LayerResolutionException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public LayerResolutionException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public LayerResolutionException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
