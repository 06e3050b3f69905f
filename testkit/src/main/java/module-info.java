/**
 * JUnit 5 support for plugin authors: load a plugin exactly as the node would (real loader,
 * pre-scan, own module layer, gated context) into a test node whose core APIs are in-memory and
 * record what the plugin did, then fire hooks and assert.
 *
 * <p>Exported: {@code dev.stigmem.testkit}. {@code internal} (packing build output, finding
 * libraries, checking the JVM setup) is not.
 */
module dev.stigmem.testkit {
    requires transitive dev.stigmem.node;
    requires transitive org.junit.jupiter.api;
    // AssertionFailedError with expected/actual, which IDEs and Surefire render as a diff.
    requires transitive org.opentest4j;
    // Discovery of a plugin's private libraries on the test path (never part of a security decision).
    requires io.github.classgraph;

    exports dev.stigmem.testkit;
}
