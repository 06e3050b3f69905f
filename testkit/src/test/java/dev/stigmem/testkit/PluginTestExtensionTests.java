package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The extension as an author uses it: parameters resolved, a fresh node per test method. */
@PluginTest("target/examples/greeter-plugin.jar")
class PluginTestExtensionTests {
    static TestNode previous;

    @Test
    void aTestNodeParameterIsTheStartedPlugin(TestNode node) {
        assertThat(node.plugin().name()).isEqualTo("greeter");
        node.audit().assertEmitted("greeter.started");
        node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("anonymous", FactDraft.of("a", "b", "c", "default")))
                .assertDenied("anonymous asserts are not allowed");
    }

    @Test
    void eachTestMethodGetsItsOwnNodeAndOneNodePerMethod(TestNode node, TestNode same) {
        assertThat(same).isSameAs(node);
        assertThat(node).isNotSameAs(previous);
        previous = node;
        assertThat(node.audit().events("greeter.started")).hasSize(1);
    }

    @Test
    void anotherMethodAnotherNode(TestNode node) {
        assertThat(node).isNotSameAs(previous);
        previous = node;
    }

    @Test
    void theArchiveParameterIsForScanAssertions(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege();
        assertThat(archive.moduleName()).contains("com.example.greeter");
    }

    @Nested
    class TakenByTheConstructor {
        private final TestNode fromConstructor;

        TakenByTheConstructor(TestNode node) {
            this.fromConstructor = node;
        }

        @Test
        void theConstructorsNodeIsThisTestsNode(TestNode node) {
            assertThat(fromConstructor).isSameAs(node);
            assertThat(node).isNotSameAs(previous);
            previous = node;
        }

        @Test
        void andAnotherTestGetsAnother(TestNode node) {
            assertThat(fromConstructor).isSameAs(node);
            assertThat(node).isNotSameAs(previous);
            previous = node;
        }
    }

    @Nested
    class InANestedClass {
        @Test
        void theEnclosingConfigurationApplies(TestNode node) {
            assertThat(node.plugin().name()).isEqualTo("greeter");
        }
    }
}
