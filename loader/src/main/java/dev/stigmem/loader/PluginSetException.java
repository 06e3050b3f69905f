package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A plugin directory could not be loaded as a whole; nothing of it was loaded. Lists every
 * archive that failed and why, then a summary line of counts.
 */
public final class PluginSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final transient List<PluginLoadException> failures;

    public PluginSetException(Path directory, int archives, List<PluginLoadException> failures) {
        super(format(directory, archives, failures));
        this.directory = directory;
        this.failures = List.copyOf(failures);
        failures.forEach(this::addSuppressed);
    }

    private static String format(Path directory, int archives, List<PluginLoadException> failures) {
        return failures.stream().map(f -> "  - " + f.getMessage()).collect(Collectors.joining("\n",
                String.format(Locale.ROOT, "plugin directory '%s' not loaded, nothing was registered:%n", directory),
                String.format(Locale.ROOT, "%n%d archive(s), %d failure(s)", archives, failures.size())));
    }

    public Path directory() {
        return directory;
    }

    /** Each failure, in archive order. */
    public List<PluginLoadException> failures() {
        return failures;
    }
}
