package dev.stigmem.node.internal.logging;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import org.slf4j.Logger;

/** A {@link System.Logger} of the host or the JDK, written to SLF4J under its own name. */
final class Slf4jSystemLogger implements System.Logger {
    private final Logger log;

    Slf4jSystemLogger(Logger log) {
        this.log = log;
    }

    @Override
    public String getName() {
        return log.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return enabled(log, level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            write(log, level, "{}", localized(bundle, msg), thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            write(log, level, "{}", formatted(localized(bundle, format), params), null);
        }
    }

    static boolean enabled(Logger log, Level level) {
        return switch (level) {
            case OFF -> false;
            case ALL, TRACE -> log.isTraceEnabled();
            case DEBUG -> log.isDebugEnabled();
            case INFO -> log.isInfoEnabled();
            case WARNING -> log.isWarnEnabled();
            case ERROR -> log.isErrorEnabled();
        };
    }

    /** Writes at {@code level}; {@code thrown} (host code's only) as SLF4J's cause. */
    static void write(Logger log, Level level, String pattern, Object argument, Throwable thrown) {
        Object[] args = thrown == null ? new Object[] {argument} : new Object[] {argument, thrown};
        switch (level) {
            case OFF -> {
            }
            case ALL, TRACE -> log.trace(pattern, args);
            case DEBUG -> log.debug(pattern, args);
            case INFO -> log.info(pattern, args);
            case WARNING -> log.warn(pattern, args);
            case ERROR -> log.error(pattern, args);
        }
    }

    static String localized(ResourceBundle bundle, String msg) {
        if (bundle == null || msg == null) {
            return msg;
        }
        try {
            return bundle.containsKey(msg) ? bundle.getString(msg) : msg;
        } catch (RuntimeException e) {
            return msg;
        }
    }

    /** {@link MessageFormat} as the JDK's own loggers use it; the pattern as it is when it is not one. */
    static String formatted(String format, Object... params) {
        if (format == null || params == null || params.length == 0) {
            return format;
        }
        try {
            return MessageFormat.format(format, params);
        } catch (IllegalArgumentException e) {
            return format;
        }
    }
}
