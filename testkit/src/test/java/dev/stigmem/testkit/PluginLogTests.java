package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.node.PluginLogLine;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * A plugin under test logs through {@link System.Logger} (fixture chatty-plugin, compiled by javac):
 * the test node captures each line under the plugin's name, at every level, bounded and escaped,
 * under the runtime JDK guard.
 */
class PluginLogTests {
    @TempDir
    static Path project;
    static PluginArchive chatty;

    @BeforeAll
    static void compile() {
        chatty = PluginArchive.fromBuildOutput(Fixtures.compile("chatty-plugin", project.resolve("chatty-plugin")));
    }

    private static TestNode node() {
        return TestNode.builder().plugin(chatty).start();
    }

    @Test
    void linesAreCapturedUnderThePluginsNameWithTheirLevel() {
        try (TestNode node = node()) {
            PluginLogLine started = node.logs().assertLogged(Level.INFO, "chatty started");
            assertThat(started.plugin()).isEqualTo("chatty");
            assertThat(started.logger()).isEqualTo("com.example.chatty.ChattyPlugin");
            assertThat(started.thrown()).isEmpty();

            node.assertFact("alice", FactDraft.of("alice", "likes", "params", "default"));
            node.logs().assertLogged(Level.INFO, "persisted likes about alice");
            node.assertFact("alice", FactDraft.of("alice", "likes", "debug", "default"));
            assertThat(node.logs().assertLogged(Level.DEBUG, "details for ").message()).startsWith("details for ");
            node.assertFact("alice", FactDraft.of("alice", "likes", "thrown", "default"));
            assertThat(node.logs().assertLogged(Level.WARNING, "could not deliver").thrown())
                    .contains("java.lang.IllegalStateException: peer\\u000aunreachable");

            assertThat(node.logs().lines("chatty")).hasSize(4);
            node.audit().assertNotEmitted("jdk.denied");
            node.audit().assertNotEmitted("hook.handler_failed");
        }
    }

    @Test
    void forgedAndHugeTextIsEscapedAndBounded() {
        try (TestNode node = node()) {
            node.assertFact("alice", FactDraft.of("alice", "likes", "forged", "default"));
            node.assertFact("alice", FactDraft.of("alice", "likes", "huge", "default"));
            String forged = node.logs().assertLogged(Level.ERROR, "ok").message();
            assertThat(forged).isEqualTo("ok\\u000a[main] ERROR dev.stigmem.node.StigmemNode - forged\\u001b[2J\\u202e");
            String huge = node.logs().lines().get(2).message();
            assertThat(huge).hasSizeLessThan(1_100).endsWith("...[truncated, 5000000 chars]");
        }
    }

    @Test
    void theAssertionsSayWhatWasLogged() {
        try (TestNode node = node()) {
            assertThatThrownBy(() -> node.logs().assertLogged(Level.ERROR, "nope"))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("expected a line at ERROR containing 'nope', but plugins logged 1 line(s):")
                    .hasMessageContaining("INFO plugin.chatty - com.example.chatty.ChattyPlugin: chatty started");
            node.logs().assertNothingLoggedAtOrAbove(Level.WARNING);
            node.assertFact("alice", FactDraft.of("alice", "likes", "thrown", "default"));
            assertThatThrownBy(() -> node.logs().assertNothingLoggedAtOrAbove(Level.WARNING))
                    .hasMessageContaining("WARNING plugin.chatty - com.example.chatty.ChattyPlugin: could not deliver");
            node.logs().clear();
            assertThat(node.logs().lines()).isEmpty();
        }
    }

    @Test
    void aPluginThatBundlesSlf4jHasItsLinesCapturedTooThroughTheNodesCopy() {
        Path classes = Fixtures.compile("slf4j-plugin", project.resolve("slf4j-plugin"),
                Path.of(ModuleLayer.boot().configuration().findModule("org.slf4j").orElseThrow().reference().location().orElseThrow()));
        PluginArchive slf = PluginArchive.fromBuildOutput(classes, "slf4j-api");
        try (TestNode node = TestNode.builder().plugin(slf).start()) {
            PluginLogLine started = node.logs().assertLogged(Level.INFO, "slf started");
            assertThat(started.plugin()).isEqualTo("slf");
            assertThat(started.logger()).isEqualTo("com.example.slf.SlfPlugin");
            node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
            node.logs().assertLogged(Level.DEBUG, "persisted likes about alice");
            node.audit().assertNotEmitted("jdk.denied");
            node.audit().assertNotEmitted("hook.handler_failed");
        }
    }
}
