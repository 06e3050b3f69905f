package dev.stigmem.loader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.stigmem.loader.JavacJar.explicitPlugin;
import static dev.stigmem.loader.JavacJar.manifest;
import static dev.stigmem.loader.JavacJar.plainPlugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Archives that read fine but do not declare a valid plugin, each next to one that passes. */
class DeclarationTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    PluginLoader loader() {
        return PluginLoader.builder().workDirectory(work).build();
    }

    @AfterEach
    void noPrivateCopyIsLeftBehind() throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s).isEmpty();
        }
    }

    void loads(Path archive) {
        loader().load(archive).close();
    }

    @Test
    void archiveWithoutEntryClassIsRefused() {
        Path jar = JavacJar.named("nothing.jar").source("a/A.java", "package a; public class A {}").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .satisfies(e -> assertThat(((PluginLoadException) e).archive()).isEqualTo(jar))
                .hasMessageContaining("no entry class: no jar provides dev.stigmem.api.Plugin");
    }

    @Test
    void servicesFileInAnExplicitModuleIsNamedInTheError() {
        Path jar = JavacJar.named("mixed.jar")
                .source("module-info.java", "module mixed { requires dev.stigmem.api; }")
                .source("m/Entry.java", "package m; " + manifest("mixed") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .service("m.Entry").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("is an explicit module, which must declare 'provides dev.stigmem.api.Plugin with ...'");
    }

    @Test
    void twoEntryClassesAreRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("two"));
        explicitPlugin("one.jar", "one", "one", manifest("one"), "").writeTo(dir);
        explicitPlugin("two.jar", "two", "two", manifest("two"), "").writeTo(dir);
        assertThatThrownBy(() -> loader().load(dir))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("2 entry classes, exactly one is allowed: one.jar:one.Entry, two.jar:two.Entry");
    }

    @Test
    void entryClassNotImplementingPluginIsRefused() {
        Path jar = JavacJar.named("liar.jar")
                .source("l/Entry.java", "package l; " + manifest("liar") + " public final class Entry {}")
                .service("l.Entry").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessage("plugin archive '" + jar + "', entry 'liar.jar:l.Entry': the entry class does not implement "
                        + "dev.stigmem.api.Plugin (checked through its superclasses and interfaces in the archive)");
    }

    @Test
    void entryClassImplementingPluginThroughItsSuperclassAndAnInterfaceLoads() {
        Path jar = JavacJar.named("deep.jar")
                .source("d/Marker.java", "package d; public interface Marker extends dev.stigmem.api.Plugin {}")
                .source("d/Base.java", "package d; public abstract class Base implements Marker {}")
                .source("d/Entry.java", "package d; " + manifest("deep") + " public final class Entry extends Base {}")
                .service("d.Entry").writeTo(tmp);
        loads(jar);
    }

    @Test
    void missingManifestIsRefused() {
        Path jar = plainPlugin("bare.jar", "b", "", "").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("entry 'bare.jar:b.Entry': the entry class carries no @StigmemPlugin manifest");
    }

    @Test
    void invalidManifestIsRefusedWithEveryProblem() {
        Path jar = plainPlugin("bad.jar", "b",
                "@dev.stigmem.api.StigmemPlugin(name = \"X\", version = \"one\", requires = \">=0.9.0\", capabilities = {\"facts.raed\"})",
                "").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("entry 'bad.jar:b.Entry'")
                .hasMessageContaining("3 problems")
                .hasMessageContaining("name 'X' must match")
                .hasMessageContaining("facts.raed");
    }

    @Test
    void validManifestLoads() {
        loads(plainPlugin("good.jar", "g", manifest("good-one"), "").writeTo(tmp));
    }

    @Test
    void requiresOutsideTheAllowlistIsRefused() {
        Path jar = JavacJar.named("http.jar")
                .source("module-info.java", "module http { requires dev.stigmem.api; requires java.net.http; "
                        + "provides dev.stigmem.api.Plugin with h.Entry; }")
                .source("h/Entry.java", "package h; " + manifest("http-one") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("entry 'http.jar:module http': requires java.net.http, not on the allowlist "
                        + "(dev.stigmem.api, java.base, java.compiler, java.desktop, java.logging, java.scripting, java.sql, java.xml)");
        // The allowlist is the scan policy's allow-module rules: an operator extends it there.
        PluginLoader operatorAllowed = PluginLoader.builder().workDirectory(work)
                .scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy("ops.policy",
                        "@rule ops.http operator approved outbound HTTP for this node\nallow-module java.net.http\n"))
                .build();
        operatorAllowed.load(jar).close();
    }

    @Test
    void requiresOfAModuleTheOperatorAllowedLoads() {
        Path jar = JavacJar.named("naming.jar")
                .source("module-info.java", "module naming { requires dev.stigmem.api; requires java.naming; "
                        + "provides dev.stigmem.api.Plugin with l.Entry; }")
                .source("l/Entry.java", "package l; " + manifest("naming") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " static final javax.naming.Name NAME = null; }")
                .writeTo(tmp);
        assertThatThrownBy(() -> loads(jar)).isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("requires java.naming, not on the allowlist (dev.stigmem.api, java.base, java.compiler, java.desktop, java.logging, java.scripting, java.sql, java.xml)");
        PluginLoader operatorAllowed = PluginLoader.builder().workDirectory(work)
                .scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy("ops.policy",
                        "@rule ops.naming plugins may use JNDI names\nallow-module java.naming\nallow-package javax.naming\n"))
                .build();
        operatorAllowed.load(jar).close();
    }

    @Test
    void entryClassWhoseConstructorThrowsLeavesNoLayer() {
        Path jar = plainPlugin("boom.jar", "b", manifest("boom"), "public Entry() { throw new IllegalStateException(\"boom\"); }")
                .writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginInstantiationException.class)
                .hasMessageContaining("entry 'b.Entry': the entry class cannot be instantiated")
                .hasMessageContaining("boom");
    }

    @Test
    void entryClassFileDeclaringAnotherClassIsRefused() throws IOException {
        Path good = plainPlugin("renamed.jar", "r", manifest("renamed"), "").writeTo(tmp);
        // Move r/Entry.class to r/Other.class and name r.Other as the provider.
        Path bad = tmp.resolve("moved.jar");
        try (var in = new java.util.zip.ZipFile(good.toFile());
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bad))) {
            for (var e : java.util.Collections.list(in.entries())) {
                byte[] b = in.getInputStream(e).readAllBytes();
                String name = e.getName().equals("r/Entry.class") ? "r/Other.class" : e.getName();
                if (name.startsWith("META-INF/services/")) {
                    b = "r.Other\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                out.write(b);
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> loader().load(bad))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("entry 'moved.jar:r.Other': the entry class file declares another class, r.Entry");
    }
}
