/**
 * The Stigmem node: the host that loads plugins, hands each a capability-gated
 * {@link dev.stigmem.api.PluginContext}, dispatches hooks and serves the core APIs; also the
 * {@code stigmem} command line.
 *
 * <p>Exported: {@code dev.stigmem.node}, the embedding API. Everything else is internal.
 */
module dev.stigmem.node {
    requires transitive dev.stigmem.api;
    requires transitive dev.stigmem.loader;
    // The runtime JDK guard: installed before any plugin loads, each plugin layer enclosed in it.
    requires dev.stigmem.guard;
    // Logging facade only; the launcher (../stigmem) adds the binding.
    requires org.slf4j;
    // java.util.logging: plugins' JUL records go to SLF4J under the plugin's name (internal.logging).
    requires java.logging;
    // The stigmem command line.
    requires info.picocli;
    // JSON: the audit log (JSON lines) and --json reports.
    requires com.fasterxml.jackson.databind;
    // sun.misc.Signal: `stigmem node` handles SIGINT and SIGTERM itself, so that it closes the node to
    // the end and exits 0 (a shutdown hook races the JVM's halt; see internal.cli.ShutdownSignals).
    requires jdk.unsupported;
    // Outbound network for plugins that hold network.outbound goes through the JDK client.
    requires java.net.http;

    exports dev.stigmem.node;

    // System.Logger of plugin modules goes to SLF4J under the plugin's name; the host's and the JDK's
    // under their own (also as META-INF/services, for a node on the class path).
    provides java.lang.System.LoggerFinder with dev.stigmem.node.internal.logging.NodeLoggerFinder;
}
