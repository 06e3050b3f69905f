package dev.stigmem.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the plugin archive holds and how it is written. */
class PluginBundleTests {

    @TempDir
    Path dir;

    private Path jar(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Artifact artifact(String groupId, String artifactId, String scope, String type, Path file) {
        DefaultArtifactHandler handler = new DefaultArtifactHandler(type);
        handler.setAddedToClasspath(!type.equals("pom"));
        DefaultArtifact a = new DefaultArtifact(groupId, artifactId, "1.2.3", scope, type, null, handler);
        a.setFile(file == null ? null : file.toFile());
        return a;
    }

    @Test
    void thePluginJarComesFirstThenCompileAndRuntimeDependenciesInResolutionOrder() throws Exception {
        Path plugin = jar("my-plugin-1.0.jar", "plugin");
        List<Artifact> deps = List.of(
                artifact("org.example", "lib-b", "compile", "jar", jar("b.jar", "b")),
                artifact("dev.stigmem", "stigmem-api", "provided", "jar", jar("api.jar", "api")),
                artifact("org.example", "lib-a", "runtime", "jar", jar("a.jar", "a")),
                artifact("dev.stigmem", "stigmem-testkit", "test", "jar", jar("testkit.jar", "t")),
                artifact("org.example", "bom", "compile", "pom", null));

        PluginBundle bundle = PluginBundle.of(plugin, deps);

        assertThat(bundle.plugin().name()).isEqualTo("my-plugin-1.0.jar");
        assertThat(bundle.libraries()).extracting(PluginBundle.Member::name).containsExactly("lib-b-1.2.3.jar", "lib-a-1.2.3.jar");
        assertThat(bundle.jarOnly()).isFalse();
    }

    @Test
    void aPluginWithoutLibrariesIsItsJar() throws Exception {
        Path plugin = jar("my-plugin-1.0.jar", "plugin");
        PluginBundle bundle = PluginBundle.of(plugin, List.of());
        assertThat(bundle.jarOnly()).isTrue();
        assertThat(bundle.write(dir.resolve("unused.zip"), Instant.EPOCH)).isEqualTo(plugin);
        assertThat(dir.resolve("unused.zip")).doesNotExist();
    }

    @Test
    void theZipHoldsTheJarsAtItsTopLevelAndIsReproducible() throws Exception {
        Path plugin = jar("my-plugin-1.0.jar", "plugin");
        List<Artifact> deps = List.of(artifact("org.example", "lib", "compile", "jar", jar("lib.jar", "library")),
                artifact("org.other", "lib", "compile", "jar", jar("other.jar", "other")));
        PluginBundle bundle = PluginBundle.of(plugin, deps);
        Instant time = PluginBundle.timestamp("2026-01-01T00:00:00Z");

        Path zip = bundle.write(dir.resolve("out/my-plugin-1.0-plugin.zip"), time);
        byte[] first = Files.readAllBytes(zip);
        bundle.write(zip, time);

        assertThat(Files.readAllBytes(zip)).isEqualTo(first);
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().map(ZipEntry::getName).forEach(names::add);
            assertThat(new String(z.getInputStream(z.getEntry("lib-1.2.3.jar")).readAllBytes())).isEqualTo("library");
        }
        // Two libraries with one file name: the second is told apart by its group.
        assertThat(names).containsExactly("my-plugin-1.0.jar", "lib-1.2.3.jar", "org.other.lib-1.2.3.jar");
        try (var files = Files.list(zip.getParent())) {
            assertThat(files).containsExactly(zip);
        }
    }

    @Test
    void bundlingAHostArtifactIsRefusedWithWhatToChange() throws Exception {
        Path plugin = jar("my-plugin-1.0.jar", "plugin");
        List<Artifact> deps = List.of(artifact("dev.stigmem", "stigmem-api", "compile", "jar", jar("api.jar", "api")));
        assertThatThrownBy(() -> PluginBundle.of(plugin, deps))
                .isInstanceOf(PluginBundle.BundleException.class)
                .hasMessageContaining("dev.stigmem:stigmem-api:jar:1.2.3 is a compile dependency")
                .hasMessageContaining("<scope>provided</scope>");
    }

    @Test
    void aRuntimeDependencyThatIsNotAJarIsRefused() throws Exception {
        Path plugin = jar("my-plugin-1.0.jar", "plugin");
        List<Artifact> deps = List.of(artifact("org.example", "data", "runtime", "zip", jar("data.zip", "zip")));
        assertThatThrownBy(() -> PluginBundle.of(plugin, deps)).hasMessageContaining("runtime dependency org.example:data:zip:1.2.3 is not a jar");
    }

    @Test
    void aMissingProjectJarSaysWhenTheGoalsRun() {
        assertThatThrownBy(() -> PluginBundle.of(dir.resolve("classes"), List.of()))
                .hasMessageContaining("the project's jar is not built").hasMessageContaining("run mvn verify");
        assertThatThrownBy(() -> PluginBundle.of(null, List.of())).isInstanceOf(PluginBundle.BundleException.class);
    }

    @Test
    void timestampsFollowProjectBuildOutputTimestamp() {
        assertThat(PluginBundle.timestamp("2026-01-01T00:00:00Z")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(PluginBundle.timestamp("1767225600")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(PluginBundle.timestamp(null)).isEqualTo(PluginBundle.DEFAULT_TIME);
        assertThat(PluginBundle.timestamp("not a time")).isEqualTo(PluginBundle.DEFAULT_TIME);
    }
}
