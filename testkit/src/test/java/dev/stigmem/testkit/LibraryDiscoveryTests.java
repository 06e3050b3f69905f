package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit finds a plugin's private libraries on the test path by what its classes reference
 * (ClassGraph), when the test names none: fixture slugger-plugin uses example-text-library without
 * naming it, and loads through a real node with it bundled.
 */
class LibraryDiscoveryTests {
    @TempDir
    Path project;

    private static Path textLibrary() {
        return Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
                .filter(p -> Path.of(p).getFileName() != null && Path.of(p).getFileName().toString().startsWith("example-text-library"))
                .map(Path::of).findFirst().orElseThrow(() -> new IllegalStateException("example-text-library is not on the test path"));
    }

    private static List<String> entries(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return Collections.list(z.entries()).stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void aLibraryTheClassesUseIsFoundAndBundled() throws IOException {
        Path classes = Fixtures.compile("slugger-plugin", project.resolve("slugger-plugin"), textLibrary());
        PluginArchive archive = PluginArchive.fromBuildOutput(classes);
        assertThat(archive.path().getFileName()).hasToString("slugger-plugin-with-libraries.zip");
        assertThat(entries(archive.path())).containsExactly("slugger-plugin.jar", textLibrary().getFileName().toString());
        archive.scan().assertAccepted();
        try (TestNode node = TestNode.builder().plugin(archive).start()) {
            assertThat(node.plugin().health().message()).isEqualTo("found-by-the-testkit");
        }
    }

    @Test
    void namedLibrariesAreTakenAsNamed() throws IOException {
        Path classes = Fixtures.compile("slugger-plugin", project.resolve("slugger-plugin"), textLibrary());
        PluginArchive archive = PluginArchive.fromBuildOutput(classes, "example-text-library");
        assertThat(entries(archive.path())).containsExactly("slugger-plugin.jar", textLibrary().getFileName().toString());
    }

    @Test
    void aPluginThatUsesOnlyTheApiAndTheJdkGetsNoLibrary() {
        PluginArchive archive = PluginArchive.fromBuildOutput(Fixtures.compile("probe-plugin", project.resolve("probe-plugin")));
        assertThat(archive.path().getFileName()).hasToString("probe-plugin.jar");
    }
}
