package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The archive reads fine but does not declare a valid plugin: no entry class or more than one, an entry class that does not implement {@code Plugin}, a missing or invalid {@code @StigmemPlugin} manifest, a module {@code requires} outside the allowlist, or an unreadable module descriptor.
 */
public final class PluginDeclarationException extends PluginLoadException {
    private static final long serialVersionUID = 1L;

    public PluginDeclarationException(Path archive, Optional<String> entry, String reason) {
        super(archive, entry, reason, null);
    }

    public PluginDeclarationException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(archive, entry, reason, cause);
    }
}
