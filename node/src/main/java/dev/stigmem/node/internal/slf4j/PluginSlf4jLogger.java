package dev.stigmem.node.internal.slf4j;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger of a plugin, written to the {@link System.Logger} of the same name: the message is
 * formatted by SLF4J's own rules ({@code {}} placeholders, a trailing throwable) and handed over as
 * plain text, so that the node's logger bounds and escapes it and says which plugin wrote it.
 */
final class PluginSlf4jLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient System.Logger target;

    PluginSlf4jLogger(String name) {
        this.name = name;
        this.target = System.getLogger(name);
    }

    @Override
    public boolean isTraceEnabled() {
        return target.isLoggable(System.Logger.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return target.isLoggable(System.Logger.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return target.isLoggable(System.Logger.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return target.isLoggable(System.Logger.Level.WARNING);
    }

    @Override
    public boolean isErrorEnabled() {
        return target.isLoggable(System.Logger.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return PluginSlf4jLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
                                               Throwable throwable) {
        // Not a switch on the enum: that compiles to a synthetic class, and PluginSlf4j serves a fixed list.
        System.Logger.Level to = level == Level.ERROR ? System.Logger.Level.ERROR
                : level == Level.WARN ? System.Logger.Level.WARNING
                : level == Level.INFO ? System.Logger.Level.INFO
                : level == Level.DEBUG ? System.Logger.Level.DEBUG
                : System.Logger.Level.TRACE;
        String text = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        // The (ResourceBundle, String, Throwable) form: the text is taken as is, never as a MessageFormat pattern.
        target.log(to, (java.util.ResourceBundle) null, text, throwable);
    }
}
