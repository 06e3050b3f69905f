/**
 * The plugin loader: reads plugin archives without running them, verifies and scans their
 * bytecode, and loads each into a module layer of its own. It knows nothing of the node.
 */
module dev.stigmem.loader {
    // The plugin contract; re-exported because loader results carry manifests and capabilities.
    requires transitive dev.stigmem.api;
    // Logging facade only; the node's launcher picks the binding.
    requires org.slf4j;
    // ByteBuddy's bundled ASM reads class files, method bodies included. It is the only class-file
    // parser here (no ClassGraph): two parsers that could disagree about one class file would be
    // a gap between what is checked and what the JVM defines. Module descriptors are read by the
    // JDK's own ModuleFinder, as the JVM will read them.
    requires net.bytebuddy;

    // Renders scan reports as JSON (ScanReport#toJson): the report format belongs to the scanner.
    requires com.fasterxml.jackson.databind;

    // JDK modules the shipped scan policy lets plugin modules require (allow-module), for one package
    // each or none: plugin layers sit above the host's boot layer, so these must be in it, and requiring them
    // here puts them there for every host that runs the loader as a module (the node, the testkit's
    // test JVM, an embedding host). An operator's extra allow-module needs --add-modules instead.
    requires java.logging;
    requires java.sql;
    requires java.desktop;
    requires java.compiler;
    requires java.xml;
    requires java.scripting;

    exports dev.stigmem.loader;
    // The pre-scan's policy, report and errors; the scanner itself stays internal.
    exports dev.stigmem.loader.scan;
    // Signer identities, trust policy and trust decisions: what the node audits and the CLI shows.
    exports dev.stigmem.loader.trust;

    // The loader instantiates each plugin's entry class through its layer's ServiceLoader.
    uses dev.stigmem.api.Plugin;
}
