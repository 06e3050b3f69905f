package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * How a plugin author's test class fails when the setup is wrong: run through the real Jupiter
 * engine, and the failure must say what to change. (The nested classes are the authors' test classes;
 * Surefire skips nested classes by default, so they run only through EngineTestKit here.)
 */
class ExtensionFailureTests {

    @PluginTest("target/examples/bad-raw-socket.jar")
    static class APluginTheNodeRefuses {
        @Test
        void test(TestNode node) {
        }
    }

    @PluginTest("target/no-such-project/classes")
    static class ABuildOutputThatDoesNotExist {
        @Test
        void test(TestNode node) {
        }
    }

    @PluginTest(value = "target/examples/greeter-plugin.jar", config = "no-equals-sign")
    static class AConfigEntryWithoutAValue {
        @Test
        void test(TestNode node) {
        }
    }

    @PluginTest(value = "target/examples/greeter-plugin.jar", withoutCoreApis = "facts.raed")
    static class AMisspelledCapability {
        @Test
        void test(TestNode node) {
        }
    }

    @PluginTest("target/examples/greeter-plugin.jar")
    static class ANodeForTheWholeClass {
        @org.junit.jupiter.api.BeforeAll
        static void shared(TestNode node) {
        }

        @Test
        void test() {
        }
    }

    static class NoAnnotation {
        @Test
        @org.junit.jupiter.api.extension.ExtendWith(PluginTestExtension.class)
        void test(TestNode node) {
        }
    }

    private static Throwable failureOf(Class<?> testClass) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute()
                .allEvents().failed().list();
        assertThat(failed).as("the test class fails").isNotEmpty();
        return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    @Test
    void aRefusedPluginShowsTheNodesRefusalWithTheScanReport() {
        assertThat(failureOf(APluginTheNodeRefuses.class).getMessage())
                .contains("the node refused the plugin under test (bad-raw-socket.jar)")
                .contains("take a PluginArchive parameter and call assertRejectedByNode()")
                .contains("DENY network.raw: java.net.Socket")
                .contains("RawSocketPlugin.class:16");
    }

    @Test
    void aMissingBuildOutputSaysToRunMavenFromTheProject() {
        assertThat(failureOf(ABuildOutputThatDoesNotExist.class).getMessage())
                .contains("no-such-project/classes does not exist")
                .contains("run the tests with Maven from the plugin's project directory");
    }

    @Test
    void aBadConfigEntryIsNamed() {
        assertThat(failureOf(AConfigEntryWithoutAValue.class).getMessage())
                .contains("@PluginTest config entry 'no-equals-sign' is not key=value");
    }

    @Test
    void aMisspelledCapabilityListsTheKnownOnes() {
        assertThat(failureOf(AMisspelledCapability.class).getMessage())
                .contains("facts.raed")
                .contains("facts.read");
    }

    @Test
    void aNodeAskedForInBeforeAllSaysItIsPerTestMethod() {
        assertThat(failureOf(ANodeForTheWholeClass.class).getMessage())
                .contains("a TestNode is started for each test method and closed after it")
                .contains("not of @BeforeAll/@AfterAll");
    }

    @Test
    void theExtensionWithoutItsAnnotationSaysWhatIsMissing() {
        assertThat(failureOf(NoAnnotation.class).getMessage()).contains("needs @PluginTest on the test class");
    }
}
