package dev.stigmem.node.internal.slf4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Binds a plugin's copy of slf4j-api to {@link System.Logger}: each SLF4J logger is a
 * {@link PluginSlf4jLogger} over {@code System.getLogger(name)}, which the node's
 * {@code System.LoggerFinder} routes, for this layer, to the plugin's name (bounded, escaped lines
 * under SLF4J logger {@code plugin.NAME}). Found by slf4j-api's {@code ServiceLoader} in its own
 * layer, where the node declares it as the only provider.
 */
public final class PluginSlf4jProvider implements SLF4JServiceProvider {
    /** The slf4j-api version this provider is written against. */
    static final String API_VERSION = "2.0.99";

    private final Factory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }

    @Override
    public void initialize() {
        // nothing to start: every logger asks the JVM's LoggerFinder when it is made
    }

    /** One logger per name, as SLF4J expects (a plugin's copy only holds the plugin's names). */
    static final class Factory implements ILoggerFactory {
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, PluginSlf4jLogger::new);
        }
    }
}
