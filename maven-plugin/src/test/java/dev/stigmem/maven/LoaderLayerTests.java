package dev.stigmem.maven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner as the goal runs it: the loader and the api as named modules of a layer of their
 * own (not the test's class path), answering in strings.
 */
class LoaderLayerTests {

    private static final Path RAW_SOCKET = Path.of(System.getProperty("stigmem.example.raw-socket"));
    private static final Path LIBRARY_PLUGIN = Path.of(System.getProperty("stigmem.example.library-plugin"));

    @TempDir
    Path dir;

    /** The plugin's own artifacts as Maven hands them to the goal ({@code ${plugin.artifacts}}), found on the test's class path. */
    static List<Artifact> pluginArtifacts() {
        List<Artifact> artifacts = new ArrayList<>();
        Map<String, Class<?>> representatives = Map.of(
                "dev.stigmem:stigmem-api", dev.stigmem.api.Plugin.class,
                "dev.stigmem:stigmem-loader", dev.stigmem.loader.PluginLoader.class,
                "net.bytebuddy:byte-buddy", net.bytebuddy.ByteBuddy.class,
                "com.fasterxml.jackson.core:jackson-databind", ObjectMapper.class,
                "com.fasterxml.jackson.core:jackson-core", com.fasterxml.jackson.core.JsonFactory.class,
                "com.fasterxml.jackson.core:jackson-annotations", com.fasterxml.jackson.annotation.JsonProperty.class,
                "org.slf4j:slf4j-api", org.slf4j.LoggerFactory.class,
                "org.slf4j:slf4j-nop", org.slf4j.nop.NOPServiceProvider.class);
        representatives.forEach((coordinates, type) -> {
            String[] ga = coordinates.split(":");
            DefaultArtifact a = new DefaultArtifact(ga[0], ga[1], "1", "compile", "jar", null, new DefaultArtifactHandler("jar"));
            try {
                a.setFile(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            artifacts.add(a);
        });
        // Maven's own artifacts are among the plugin's too; they stay out of the layer.
        artifacts.add(new DefaultArtifact("org.apache.maven", "maven-core", "3.9.16", "provided", "jar", null,
                new DefaultArtifactHandler("jar")));
        return artifacts;
    }

    private static Map<String, String> scan(Path archive) {
        Function<Map<String, String>, Map<String, String>> scanner = LoaderLayer.scanner(pluginArtifacts());
        return scanner.apply(Map.of("archive", archive.toAbsolutePath().toString(), "maxListed", "1"));
    }

    @Test
    void theScannerRunsInANamedModuleOfItsOwnLayerOncePerSetOfJars() {
        Function<Map<String, String>, Map<String, String>> scanner = LoaderLayer.scanner(pluginArtifacts());
        assertThat(LoaderLayer.scanner(pluginArtifacts())).isSameAs(scanner);
        ClassLoader bridge = scanner.getClass().getClassLoader();
        assertThat(scanner.getClass().getModule().isNamed()).isFalse();
        // The loader the bridge sees is the layer's named module, not the test's class path copy.
        Class<?> loader;
        try {
            loader = Class.forName("dev.stigmem.loader.PluginLoader", false, bridge);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertThat(loader.getModule().getName()).isEqualTo("dev.stigmem.loader");
        assertThat(loader.getModule().getLayer()).isNotSameAs(ModuleLayer.boot());
        assertThat(loader).isNotSameAs(dev.stigmem.loader.PluginLoader.class);
        assertThat(dev.stigmem.loader.PluginLoader.class.getModule().isNamed()).isFalse();
    }

    @Test
    void aDenyFindingRejectsWithTheReportJsonAndSarif() throws IOException {
        Map<String, String> r = scan(RAW_SOCKET);

        assertThat(r.get("outcome")).isEqualTo("REJECT");
        assertThat(r.get("plugin")).isEqualTo("raw-socket 1.0.0");
        // The socket references of one method are one finding (rule, target and method), with their count.
        assertThat(r.get("denyCount")).isEqualTo("1");
        assertThat(r.get("deny").lines()).hasSize(2).first().asString().startsWith("DENY network.raw: java.net.Socket [");
        assertThat(r.get("deny")).contains("(5 times in this method)");
        assertThat(r.get("text")).contains("REJECT: 1 findings (1 deny, 0 warn, 0 info)");
        assertThat(new ObjectMapper().readTree(r.get("json")).get("verdict").asText()).isEqualTo("REJECT");
        JsonNode sarif = new ObjectMapper().readTree(r.get("sarif"));
        assertThat(sarif.at("/runs/0/results").findValuesAsText("ruleId")).containsOnly("network.raw").hasSize(1);
    }

    @Test
    void aZipWithAPrivateLibraryIsScannedWhole() {
        Map<String, String> r = scan(LIBRARY_PLUGIN);
        assertThat(r.get("outcome")).isEqualTo("ACCEPT");
        assertThat(r.get("jars")).isEqualTo("2");
        assertThat(r.get("summary")).startsWith("ACCEPT: 0 findings");
    }

    @Test
    void aJarWithoutEntryClassIsRefusedAndACorruptOneIsAnError() throws IOException {
        Path notAPlugin = dir.resolve("not-a-plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(notAPlugin))) {
            out.putNextEntry(new JarEntry("readme.txt"));
        }
        Map<String, String> refused = scan(notAPlugin);
        assertThat(refused.get("outcome")).isEqualTo("REFUSED");
        assertThat(refused.get("sarif")).contains("\"ruleId\" : \"plugin.declaration\"");
        assertThat(refused.get("json")).contains("\"rejected\"");

        Path corrupt = Files.write(dir.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        Map<String, String> error = scan(corrupt);
        assertThat(error.get("outcome")).isEqualTo("ERROR");
        assertThat(error.get("message")).contains(corrupt.toString());
        assertThat(error.get("sarif")).contains("\"executionSuccessful\" : false");
    }

    @Test
    void anOperatorPolicyCanOnlyAddAndABrokenOneIsAnError() throws IOException {
        Path policy = Files.writeString(dir.resolve("extra.policy"), "frobnicate everything\n");
        Map<String, String> r = LoaderLayer.scanner(pluginArtifacts()).apply(Map.of(
                "archive", LIBRARY_PLUGIN.toAbsolutePath().toString(), "policy", policy.toString()));
        assertThat(r.get("outcome")).isEqualTo("ERROR");
        assertThat(r.get("message")).contains("the scan policy cannot be read").contains(policy + ":1");
    }
}
