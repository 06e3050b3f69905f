package dev.stigmem.node.internal.logging;

/**
 * The node's {@link System.LoggerFinder}, provided as a service by {@code dev.stigmem.node} (and by
 * {@code META-INF/services} when the node is on the class path): {@link System#getLogger} of a
 * plugin module gives a logger that writes to SLF4J under the plugin's name, bounded and escaped
 * ({@link PluginSystemLogger}); any other module (the host's, the JDK's) gets its logger name on
 * SLF4J, as the node's own lines are ({@link Slf4jSystemLogger}) — unless a plugin's code is on
 * the stack, whatever module the call names: a plugin never gets an unescaped logger.
 *
 * <p>One per JVM, found by the JDK the first time any code asks for a {@code System.Logger}; the
 * plugin layers it knows are those the node registered in {@link PluginLogging}.
 */
public final class NodeLoggerFinder extends System.LoggerFinder {

    /** Instantiated by the JDK's service lookup. */
    public NodeLoggerFinder() {
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return PluginLogging.routeOf(module).or(PluginLogging::routeOfCaller)
                .<System.Logger>map(route -> new PluginSystemLogger(route, name))
                .orElseGet(() -> new Slf4jSystemLogger(org.slf4j.LoggerFactory.getLogger(name)));
    }
}
