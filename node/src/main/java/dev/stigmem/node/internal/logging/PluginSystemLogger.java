package dev.stigmem.node.internal.logging;

import dev.stigmem.node.PluginLogLine;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.util.Optional;
import java.util.ResourceBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin module's {@link System.Logger}: each line is made bounded, escaped text on the plugin's
 * own thread (its message, parameters and throwable are the plugin's objects), handed to the
 * host's observer, and queued for SLF4J logger {@code plugin.NAME} ({@link PluginLogWriter}), so
 * that a plugin's lines look like the node's and say who wrote them. A throwable is shown as its
 * class and message, without a stack trace.
 */
final class PluginSystemLogger implements System.Logger {
    /** Characters of the plugin-chosen logger name and thread name kept in a line. */
    static final int NAME_LIMIT = 160;

    private final PluginLogging.Route route;
    private final String name;
    private final String shownName;
    private final Logger log;

    PluginSystemLogger(PluginLogging.Route route, String name) {
        this.route = route;
        this.name = name;
        this.shownName = PluginText.bounded(name, NAME_LIMIT);
        this.log = LoggerFactory.getLogger("plugin." + route.plugin());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && (route.observer().isPresent() || Slf4jSystemLogger.enabled(log, level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            emit(level, Slf4jSystemLogger.localized(bundle, msg), thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            emit(level, Slf4jSystemLogger.formatted(Slf4jSystemLogger.localized(bundle, format), params), null);
        }
    }

    private void emit(Level level, String text, Throwable thrown) {
        PluginLogLine line = new PluginLogLine(route.plugin(), shownName, level, PluginText.bounded(text),
                thrown == null ? Optional.empty() : Optional.of(PluginText.thrown(thrown)));
        route.observer().ifPresent(o -> o.accept(line));
        if (Slf4jSystemLogger.enabled(log, level)) {
            PluginLogWriter.offer(log, line, PluginText.bounded(Thread.currentThread().getName(), NAME_LIMIT));
        }
    }
}
