package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin archive could not be loaded. Nothing of it stays loaded: no layer, no class loader,
 * no private copy. Subclasses name the category of failure; every message names the archive,
 * the entry (jar, class or module) where there is one, and the reason.
 */
public abstract sealed class PluginLoadException extends RuntimeException
        permits ArchiveFormatException, PluginDeclarationException, PluginRejectedException,
                LayerResolutionException, PluginInstantiationException, PluginDependencyException {
    private static final long serialVersionUID = 1L;

    private final transient Path archive;
    private final String entry;
    private final String reason;

    protected PluginLoadException(Path archive, Optional<String> entry, String reason, Throwable cause) {
        super(format(archive, entry, reason), cause);
        this.archive = Objects.requireNonNull(archive, "archive");
        this.entry = entry.orElse(null);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    private static String format(Path archive, Optional<String> entry, String reason) {
        return entry.map(e -> String.format(Locale.ROOT, "plugin archive '%s', entry '%s': %s", archive, e, reason))
                .orElseGet(() -> String.format(Locale.ROOT, "plugin archive '%s': %s", archive, reason));
    }

    /** The operator's archive (file or directory) that failed. */
    public Path archive() {
        return archive;
    }

    /** The jar entry, class or module the failure is about, when it is about one. */
    public Optional<String> entry() {
        return Optional.ofNullable(entry);
    }

    /** What is wrong, without the archive and entry prefix. */
    public String reason() {
        return reason;
    }
}
