package com.example.nosetup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** Would pass with the api on the module path; this project leaves that setup out on purpose. */
@PluginTest
class NoSetupPluginTest {
    @Test
    void loads(TestNode node) {
        assertEquals("no-setup", node.plugin().name());
    }
}
