package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

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

    @PluginTest("target/examples/bad-undeclared-accessor.jar")
    static class ManyTestsOfAPluginTheNodeRefuses {
        @Test
        void first(TestNode node) {
        }

        @Test
        void second(TestNode node) {
        }

        @Test
        void third(TestNode node) {
        }
    }

    @PluginTest(value = "target/examples/greeter-plugin.jar", trustPolicy = "src/test/fixtures/signing-required.policy")
    static class AnUnsignedPluginOnANodeThatRequiresSigning {
        @Test
        void test(TestNode node) {
        }
    }

    @PluginTest("target/examples/greeter-plugin.jar")
    static class AuditMismatches {
        @Test
        void wrongAttribute(TestNode node) {
            node.audit().assertEmitted("node", "plugin.scanned", Map.of("plugin", "greeter", "verdict", "reject"));
        }

        @Test
        void wrongActor(TestNode node) {
            node.audit().assertEmitted("plugin:greeter", "plugin.scanned", Map.of("plugin", "greeter"));
        }

        @Test
        void misspelledAction(TestNode node) {
            node.audit().assertEmitted("greeter.startd");
        }

        @Test
        void unexpectedEvent(TestNode node) {
            node.audit().assertNotEmitted("greeter.started");
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
        return failuresOf(testClass).get(0);
    }

    private static List<Throwable> failuresOf(Class<?> testClass) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute()
                .allEvents().failed().list();
        assertThat(failed).as("the test class fails").isNotEmpty();
        return failed.stream().map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow()).toList();
    }

    private static Throwable failureOf(Class<?> testClass, String method) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectMethod(testClass, method, TestNode.class.getName())).execute()
                .allEvents().failed().list();
        assertThat(failed).as("%s fails", method).hasSize(1);
        return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    // What Surefire prints for a failure: the throwable with its causes, suppressed exceptions and frames.
    private static String printed(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aRefusedPluginShowsTheVerdictTheFirstFindingsAndWhereTheReportIs() throws IOException {
        Throwable failure = failureOf(APluginTheNodeRefuses.class);
        assertThat(failure.getMessage())
                .startsWith("the node refused the plugin under test (bad-raw-socket.jar): the pre-scan rejected it (1 DENY finding)")
                .contains("DENY network.raw: java.net.Socket")
                .contains("RawSocketPlugin.class:16) (5 times in this method)")
                .contains("REJECT: 1 findings (1 deny")
                .contains("take a PluginArchive parameter and call assertRejectedByNode()");
        Path report = Path.of(failure.getMessage().lines().filter(l -> l.startsWith("full refusal: ")).findFirst().orElseThrow()
                .substring("full refusal: ".length()));
        assertThat(report).isRegularFile().hasFileName("bad-raw-socket.jar-refused.txt");
        assertThat(Files.readString(report))
                .contains("not loaded, nothing was registered")
                .contains("Scan of ")
                .contains("DENY network.raw: java.net.Socket");
    }

    @Test
    void aRefusedPluginFailsEachTestOnceWithOneShortMessage() {
        List<Throwable> failures = failuresOf(ManyTestsOfAPluginTheNodeRefuses.class);
        assertThat(failures).hasSize(3);
        for (Throwable t : failures) {
            String printed = printed(t);
            assertThat(t.getCause()).as("no cause repeating the refusal").isNull();
            assertThat(t.getSuppressed()).isEmpty();
            assertThat(printed.lines().count()).as("console lines of one failure:%n%s", printed).isLessThanOrEqualTo(12);
            assertThat(occurrences(printed, "REJECT:")).as("the verdict is told once:%n%s", printed).isOne();
            // One finding per rule, target and method; each with the calls that reach it from the entry point.
            assertThat(printed).contains("the pre-scan rejected it (3 DENY findings)")
                    .contains("reached by: com.example.bad.undeclared.SneakyWriter.start(Ldev/stigmem/api/PluginContext;)V"
                            + " -> com.example.bad.undeclared.SneakyWriter.lambda$start$0");
        }
        assertThat(failures.get(1).getMessage()).isEqualTo(failures.get(0).getMessage());
    }

    @Test
    void aRefusalOtherThanTheScansShowsTheFailureItself() {
        Throwable failure = failureOf(AnUnsignedPluginOnANodeThatRequiresSigning.class);
        assertThat(failure.getMessage())
                .startsWith("the node refused the plugin under test (greeter-plugin.jar):\n  - plugin archive")
                .contains("unsigned")
                .contains("full refusal: ");
        assertThat(failure.getCause()).isNull();
    }

    @Test
    void anAuditMismatchShowsTheClosestEventWithSortedAttributesAndWhatDiffers() {
        Throwable failure = failureOf(AuditMismatches.class, "wrongAttribute");
        assertThat(failure).isInstanceOf(AssertionFailedError.class);
        assertThat(failure.getMessage())
                .startsWith("expected an audit event node plugin.scanned {plugin=greeter, verdict=reject}, but none matches; closest: #")
                .containsPattern("node plugin\\.scanned \\{archive=[^,]+greeter-plugin\\.jar, deny=0, plugin=greeter, verdict=accept, warn=0\\}")
                .contains("differs in: verdict='accept' (expected 'reject')")
                .contains("the trail holds ")
                .contains("plugin.scanned, ");
        AssertionFailedError afe = (AssertionFailedError) failure;
        assertThat(afe.getExpected().getStringRepresentation()).isEqualTo("node plugin.scanned {plugin=greeter, verdict=reject}");
        assertThat(afe.getActual().getStringRepresentation()).startsWith("node plugin.scanned {archive=");
    }

    @Test
    void anAuditMismatchOnTheActorSaysSo() {
        assertThat(failureOf(AuditMismatches.class, "wrongActor").getMessage())
                .contains("closest: #")
                .contains("differs in: actor 'node'");
    }

    @Test
    void aMisspelledActionShowsTheClosestAction() {
        assertThat(failureOf(AuditMismatches.class, "misspelledAction").getMessage())
                .startsWith("expected an audit event 'greeter.startd', but there is none; closest: #")
                .contains("plugin:greeter greeter.started {");
    }

    @Test
    void anUnexpectedEventIsShownWithSortedAttributes() {
        assertThat(failureOf(AuditMismatches.class, "unexpectedEvent").getMessage())
                .startsWith("expected no audit event 'greeter.started', but the trail holds 1: #")
                .contains("plugin:greeter greeter.started {");
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
