package dev.stigmem.node.internal.logging;

import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The root handler of {@code java.util.logging}: a record logged by plugin code (a plugin frame on
 * the calling thread's stack, as for {@link NodeLoggerFinder}) goes where the plugin's
 * {@link System.Logger} lines go, to SLF4J under {@code plugin.NAME}, bounded and escaped; any other
 * record goes to the root handlers that were there before (the JVM's console handler, or whatever
 * the host configured), as it did.
 *
 * <p>Why: libraries log through JUL (Guava, protobuf, ...). Without this a plugin's JUL lines would
 * reach the console unescaped and unattributed, so a plugin could forge the node's lines. Plugins
 * cannot remove or replace this handler: the LogManager and the handlers of loggers are denied to
 * them (rule logging.global).
 */
final class PluginJulHandler extends Handler {
    private final List<Handler> host;
    // Only formatMessage (parameters and resource bundle), never the layout: the plugin logger adds its own.
    private final SimpleFormatter messages = new SimpleFormatter();

    private PluginJulHandler(List<Handler> host) {
        this.host = List.copyOf(host);
    }

    /**
     * Puts the handler at the root of the JVM's JUL loggers, in place of the root handlers there now
     * (which it keeps for the host's records); once per JVM. Also initialises the LogManager from
     * the node's thread, which reads the JDK's logging configuration file: from a plugin's first
     * log call that read would be refused by the runtime JDK guard.
     */
    static synchronized void install() {
        Logger root = Logger.getLogger("");
        Handler[] present = root.getHandlers();
        for (Handler h : present) {
            if (h instanceof PluginJulHandler) {
                return;
            }
        }
        for (Handler h : present) {
            root.removeHandler(h);
        }
        root.addHandler(new PluginJulHandler(List.of(present)));
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        Optional<PluginLogging.Route> plugin = PluginLogging.routeOfCaller();
        if (plugin.isEmpty()) {
            host.forEach(h -> h.publish(record));
            return;
        }
        String name = record.getLoggerName() == null ? "" : record.getLoggerName();
        String text;
        try {
            text = messages.formatMessage(record);
        } catch (RuntimeException e) {
            text = String.valueOf(record.getMessage());
        }
        new PluginSystemLogger(plugin.get(), name).log(levelOf(record.getLevel()), text, record.getThrown());
    }

    static System.Logger.Level levelOf(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return System.Logger.Level.ERROR;
        } else if (v >= Level.WARNING.intValue()) {
            return System.Logger.Level.WARNING;
        } else if (v >= Level.INFO.intValue()) {
            return System.Logger.Level.INFO;
        } else if (v >= Level.FINE.intValue()) {
            return System.Logger.Level.DEBUG;
        }
        return System.Logger.Level.TRACE;
    }

    @Override
    public void flush() {
        host.forEach(Handler::flush);
    }

    @Override
    public void close() {
        // The host's handlers are the host's to close (LogManager#reset closes them where they are registered).
    }
}
