package dev.stigmem.loader;

import dev.stigmem.loader.internal.trust.EscapedText;

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
        super(format(archive, entry, escapedLines(reason)), cause);
        this.archive = Objects.requireNonNull(archive, "archive");
        this.entry = entry.map(EscapedText::of).orElse(null);
        this.reason = escapedLines(Objects.requireNonNull(reason, "reason"));
    }

    /**
     * The archive's path (a file name in a plugin directory can hold any character), the entry (a
     * name from the archive) and each line of the reason are escaped here, so no message of the
     * loader shows a control character raw. A reason is one line, except a scan report's (built of
     * escaped fields, one finding a line); what a reason quotes is escaped where it is built too.
     */
    private static String format(Path archive, Optional<String> entry, String reason) {
        String shown = EscapedText.of(String.valueOf(archive));
        return entry.map(e -> String.format(Locale.ROOT, "plugin archive '%s', entry '%s': %s", shown, EscapedText.of(e), reason))
                .orElseGet(() -> String.format(Locale.ROOT, "plugin archive '%s': %s", shown, reason));
    }

    private static String escapedLines(String reason) {
        if (reason == null) {
            return null;
        }
        String[] lines = reason.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lines[i] = EscapedText.of(lines[i]);
        }
        return String.join("\n", lines);
    }

    /** The operator's archive (file or directory) that failed. */
    public Path archive() {
        return archive;
    }

    /** The jar entry, class or module the failure is about, when it is about one (escaped). */
    public Optional<String> entry() {
        return Optional.ofNullable(entry);
    }

    /** What is wrong, without the archive and entry prefix (control characters escaped, line by line). */
    public String reason() {
        return reason;
    }
}
