package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plugin's layer was built but its entry class could not be instantiated (its static initializer or constructor failed); the layer was discarded.
 */
public final class PluginInstantiationException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public PluginInstantiationException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public PluginInstantiationException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
