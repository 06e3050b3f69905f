package dev.stigmem.loader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.stigmem.loader.JavacJar.manifest;
import static dev.stigmem.loader.JavacJar.plainPlugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading a plugin directory: dependency order, fail closed, all or nothing. */
class PluginSetTests {
    @TempDir
    Path plugins;
    @TempDir
    Path work;

    @AfterEach
    void nothingLeftBehind() {
        assertThat(work).isEmptyDirectory();
    }

    PluginLoader loader() {
        return PluginLoader.builder().workDirectory(work).build();
    }

    @Test
    void examplesLoadInDependencyOrder() throws IOException {
        // plain-example depends on greeter; by name it would come second anyway, so add one that sorts first.
        Files.copy(Examples.plain(), plugins.resolve("a-plain.jar"));
        Files.copy(Examples.greeter(), plugins.resolve("z-greeter.jar"));
        Files.copy(Examples.libraryZip(), plugins.resolve("slugger.zip"));
        try (PluginSet set = loader().loadAll(plugins)) {
            assertThat(set.inOrder()).extracting(LoadedPlugin::name).containsExactly("greeter", "plain-example", "slugger");
            assertThat(set.find("slugger")).isPresent();
        }
    }

    @Test
    void missingDependencyFailsClosedNamingIt() throws IOException {
        Files.copy(Examples.plain(), plugins.resolve("plain.jar"));
        assertThatThrownBy(() -> loader().loadAll(plugins))
                .isInstanceOf(PluginSetException.class)
                .hasMessageContaining("plugin 'plain-example' depends on 'greeter', which is not in " + plugins)
                .hasMessageContaining("1 archive(s), 1 failure(s)");
    }

    @Test
    void dependencyCycleFailsClosedNamingThePath() {
        plainPlugin("a.jar", "pa", manifest("alpha", "bravo"), "").writeTo(plugins);
        plainPlugin("b.jar", "pb", manifest("bravo", "charlie"), "").writeTo(plugins);
        plainPlugin("c.jar", "pc", manifest("charlie", "alpha"), "").writeTo(plugins);
        assertThatThrownBy(() -> loader().loadAll(plugins))
                .isInstanceOf(PluginSetException.class)
                .satisfies(e -> assertThat(((PluginSetException) e).failures()).singleElement()
                        .isInstanceOf(PluginDependencyException.class))
                .hasMessageContaining("dependency cycle: alpha -> bravo -> charlie -> alpha");
    }

    @Test
    void duplicatePluginNameFailsClosed() throws IOException {
        Files.copy(Examples.greeter(), plugins.resolve("one.jar"));
        Files.copy(Examples.greeter(), plugins.resolve("two.jar"));
        assertThatThrownBy(() -> loader().loadAll(plugins))
                .isInstanceOf(PluginSetException.class)
                .hasMessageContaining("plugin 'greeter' is also declared by");
    }

    @Test
    void oneBadArchiveLoadsNothingAndEveryFailureIsReported() throws IOException {
        Files.copy(Examples.greeter(), plugins.resolve("greeter.jar"));
        Files.write(plugins.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        Files.write(plugins.resolve("empty.jar"), new byte[0]);
        PluginSetException e = org.junit.jupiter.api.Assertions.assertThrows(PluginSetException.class,
                () -> loader().loadAll(plugins));
        assertThat(e.failures()).extracting(PluginLoadException::archive)
                .containsExactly(plugins.resolve("corrupt.jar"), plugins.resolve("empty.jar"));
        assertThat(e.failures()).allSatisfy(f -> assertThat(f).isInstanceOf(ArchiveFormatException.class));
        assertThat(e.getMessage()).endsWith("3 archive(s), 2 failure(s)");
    }

    @Test
    void layerFailureAfterOthersWereDefinedClosesThemAll() throws IOException {
        // greeter is defined first; impostor reads fine but takes a module name reserved for Stigmem.
        Files.copy(Examples.greeter(), plugins.resolve("a-greeter.jar"));
        JavacJar.named("b-impostor.jar")
                .source("module-info.java", "module dev.stigmem.impostor { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with i.Entry; }")
                .source("i/Entry.java", "package i; " + manifest("impostor", "greeter")
                        + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .writeTo(plugins);
        assertThatThrownBy(() -> loader().loadAll(plugins))
                .isInstanceOf(PluginSetException.class)
                .satisfies(e -> assertThat(((PluginSetException) e).failures()).singleElement()
                        .isInstanceOf(LayerResolutionException.class)
                        .extracting(PluginLoadException::archive).isEqualTo(plugins.resolve("b-impostor.jar")));
        // nothingLeftBehind (after each) checks that greeter's private copy went with it.
    }

    @Test
    void loadAvailableSkipsFailedArchivesAndTheirDependents() throws IOException {
        // plain-example depends on greeter; a check rejects greeter, so both are skipped.
        Files.copy(Examples.greeter(), plugins.resolve("greeter.jar"));
        Files.copy(Examples.plain(), plugins.resolve("plain.jar"));
        Files.copy(Examples.libraryZip(), plugins.resolve("slugger.zip"));
        Files.write(plugins.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> c.manifest().name().equals("greeter") ? CheckVerdict.reject("test", "greeter is banned") : CheckVerdict.accept())
                .build();
        try (PluginSet set = loader.loadAvailable(plugins)) {
            assertThat(set.inOrder()).extracting(LoadedPlugin::name).containsExactly("slugger");
            assertThat(set.rejected()).extracting(e -> e.archive().getFileName().toString())
                    .containsExactlyInAnyOrder("corrupt.jar", "greeter.jar", "plain.jar");
            assertThat(set.rejected()).anySatisfy(e -> assertThat(e).hasMessageContaining("greeter is banned"))
                    .anySatisfy(e -> assertThat(e).hasMessageContaining("plugin 'plain-example' depends on 'greeter'"));
        }
    }

    @Test
    void loadAvailableDropsEveryMemberOfACycle() {
        plainPlugin("a.jar", "pa", manifest("alpha", "bravo"), "").writeTo(plugins);
        plainPlugin("b.jar", "pb", manifest("bravo", "alpha"), "").writeTo(plugins);
        plainPlugin("c.jar", "pc", manifest("charlie"), "").writeTo(plugins);
        try (PluginSet set = loader().loadAvailable(plugins)) {
            assertThat(set.inOrder()).extracting(LoadedPlugin::name).containsExactly("charlie");
            assertThat(set.rejected()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(PluginDependencyException.class));
            assertThat(set.rejected().get(0)).hasMessageContaining("dependency cycle: alpha -> bravo -> alpha");
        }
    }

    @Test
    void loadAllReportsNothingRejected() throws IOException {
        Files.copy(Examples.greeter(), plugins.resolve("greeter.jar"));
        try (PluginSet set = loader().loadAll(plugins)) {
            assertThat(set.rejected()).isEmpty();
        }
    }
}
