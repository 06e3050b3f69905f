/** JUnit 5 support for plugin authors: load a plugin exactly as the node would and assert what it does. */
module dev.stigmem.testkit {
    requires transitive dev.stigmem.node;
    requires transitive org.junit.jupiter.api;
}
