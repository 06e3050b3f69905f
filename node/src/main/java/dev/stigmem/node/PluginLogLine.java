package dev.stigmem.node;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

/**
 * One line a plugin logged through {@link System.Logger}, as the node wrote it to SLF4J (logger
 * {@code plugin.NAME}) and as {@link StigmemNode.Builder#observePluginLogs} sees it. Every text is
 * the plugin's, bounded and escaped: no line breaks, terminal controls or bidi overrides, at most
 * 1,000 characters with a marker naming the original length.
 *
 * @param plugin  the plugin whose module logged it
 * @param logger  the name the plugin gave {@link System#getLogger(String)}
 * @param level   the level it logged at
 * @param message the message, formatted ({@code MessageFormat} parameters filled in)
 * @param thrown  the class and message of the throwable it logged with, if any (no stack trace)
 */
public record PluginLogLine(String plugin, String logger, Level level, String message, Optional<String> thrown) {
    public PluginLogLine {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(thrown, "thrown");
    }

    @Override
    public String toString() {
        return level + " plugin." + plugin + " - " + logger + ": " + message + thrown.map(t -> " (" + t + ")").orElse("");
    }
}
