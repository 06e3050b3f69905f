package dev.stigmem.loader;

import dev.stigmem.api.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.List;
import java.util.stream.Stream;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Module names and packages: clashes refused, private library versions side by side, nothing of the host but the api and the allowed JDK modules read. */
class LayerTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    PluginLoader loader() {
        return PluginLoader.builder().workDirectory(work).build();
    }

    /** The jar the test JVM's boot layer loaded a module from. */
    static Path hostJar(String module) {
        return ModuleLayer.boot().configuration().findModule(module).flatMap(m -> m.reference().location())
                .map(Path::of).orElseThrow();
    }

    static Path library(Path dir, String version) {
        return JavacJar.named("vlib.jar")
                .source("module-info.java", "module com.example.vlib { exports com.example.vlib; }")
                .source("com/example/vlib/Version.java",
                        "package com.example.vlib; public final class Version { public static String get() { return \"" + version + "\"; } }")
                .writeTo(dir);
    }

    static Path pluginUsingLibrary(Path dir, String name, Path lib) {
        return JavacJar.named(name + ".jar")
                .source("module-info.java", "module " + name + " { requires dev.stigmem.api; requires com.example.vlib; "
                        + "provides dev.stigmem.api.Plugin with " + name + ".Entry; }")
                .source(name + "/Entry.java", "package " + name + "; " + manifest(name)
                        + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(com.example.vlib.Version.get()); } }")
                .against(lib)
                .writeTo(dir);
    }

    @Test
    void twoPluginsBundlingDifferentVersionsOfOneLibraryRunSideBySide() throws IOException {
        Path a = Files.createDirectory(tmp.resolve("uses-one"));
        Path b = Files.createDirectory(tmp.resolve("uses-two"));
        pluginUsingLibrary(a, "alpha", library(a, "1.0"));
        pluginUsingLibrary(b, "bravo", library(b, "2.0"));
        PluginLoader loader = loader();
        try (LoadedPlugin one = loader.load(a); LoadedPlugin two = loader.load(b)) {
            assertThat(one.plugin().health()).isEqualTo(Health.degraded("1.0"));
            assertThat(two.plugin().health()).isEqualTo(Health.degraded("2.0"));
            assertThat(one.layer().findModule("com.example.vlib")).isPresent();
            assertThat(one.layer().findLoader("com.example.vlib")).isNotSameAs(two.layer().findLoader("com.example.vlib"));
        }
    }

    /** A tiny module named like the host's Jackson core, built by the test: another version of a host library. */
    static Path ownJackson(Path dir) {
        return JavacJar.named("own-jackson.jar")
                .source("module-info.java", "module com.fasterxml.jackson.core { exports com.fasterxml.jackson.core; }")
                .source("com/fasterxml/jackson/core/Own.java",
                        "package com.fasterxml.jackson.core; public final class Own { public static String version() { return \"plugin's own 9.9\"; } }")
                .writeTo(dir);
    }

    @Test
    void aPluginBundlesItsOwnVersionOfAModuleTheHostAlsoHoldsAndSeesOnlyItsOwnClasses() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("own-jackson"));
        Path lib = ownJackson(dir);
        JavacJar.named("logs.jar")
                .source("module-info.java", "module logs { requires dev.stigmem.api; requires com.fasterxml.jackson.core; "
                        + "provides dev.stigmem.api.Plugin with logs.Entry; }")
                .source("logs/Entry.java", "package logs; " + manifest("logs")
                        + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(com.fasterxml.jackson.core.Own.version()); } }")
                .against(lib).writeTo(dir);
        Module host = ModuleLayer.boot().findModule("com.fasterxml.jackson.core").orElseThrow();
        try (LoadedPlugin p = loader().load(dir)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("plugin's own 9.9"));
            Module own = p.layer().findModule("com.fasterxml.jackson.core").orElseThrow();
            assertThat(own).isNotSameAs(host);
            assertThat(own.getClassLoader()).isNotSameAs(host.getClassLoader()).isSameAs(p.layer().findLoader("logs"));
            Module plugin = p.layer().findModule("logs").orElseThrow();
            assertThat(plugin.canRead(own)).isTrue();
            assertThat(plugin.canRead(host)).isFalse();
            assertThat(own.canRead(host)).isFalse();
        }
    }

    /** A tiny module named org.slf4j (which the shipped policy substitutes), answering {@code who}. */
    static Path slf4jNamed(Path dir, String jar, String who) {
        return JavacJar.named(jar)
                .source("module-info.java", "module org.slf4j { exports org.slf4j; }")
                .source("org/slf4j/LoggerFactory.java", "package org.slf4j; public final class LoggerFactory {"
                        + " public static String version() { return \"" + who + "\"; } }")
                .writeTo(dir);
    }

    @Test
    void aSubstitutedModuleIsTheHostsCopyInALayerOfItsOwnPerPluginStartedBeforeThePlugin() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("bundles-slf4j"));
        Path bundled = slf4jNamed(dir, "slf4j-api.jar", "the plugin's copy");
        JavacJar.named("logs.jar")
                .source("module-info.java", "module logs { requires dev.stigmem.api; requires org.slf4j; "
                        + "provides dev.stigmem.api.Plugin with logs.Entry; }")
                .source("logs/Entry.java", "package logs; " + manifest("logs")
                        + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(org.slf4j.LoggerFactory.version()); } }")
                .against(bundled).writeTo(dir);
        Path hostDir = Files.createDirectory(tmp.resolve("host-copy"));
        Path hostCopy = slf4jNamed(hostDir, "host-slf4j.jar", "the host's copy");

        // Without a substitute from the host, the plugin is refused, nothing half-loaded.
        assertThatThrownBy(() -> loader().load(dir))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("entry 'slf4j-api.jar:module org.slf4j': module org.slf4j is one the host supplies in place of "
                        + "a plugin's own copy (scan policy line substitute-module org.slf4j), but this host supplies none");

        List<ModuleLayer> started = new java.util.ArrayList<>();
        ModuleSubstitute substitute = new ModuleSubstitute("org.slf4j", java.lang.module.ModuleFinder.of(hostCopy), Set.of(), layer -> {
            assertThat(layer.findModule("logs")).as("started before the plugin's layer exists").isEmpty();
            started.add(layer);
        });
        try (PluginLoader loader = PluginLoader.builder().workDirectory(work).substitute(substitute).build();
             LoadedPlugin one = loader.load(dir); LoadedPlugin two = loader.load(dir)) {
            assertThat(one.plugin().health()).isEqualTo(Health.degraded("the host's copy"));
            assertThat(one.layer().findModule("org.slf4j")).as("found through the parent").isPresent();
            assertThat(one.layer().modules()).extracting(Module::getName).containsExactly("logs");
            assertThat(started).hasSize(2).doesNotHaveDuplicates();
            assertThat(one.layer().parents()).containsExactly(started.get(0));
            assertThat(two.layer().parents()).containsExactly(started.get(1));
            Module copy = started.get(0).findModule("org.slf4j").orElseThrow();
            assertThat(copy.getClassLoader()).as("a loader of its own").isNotSameAs(one.layer().findLoader("logs"))
                    .isNotSameAs(started.get(1).findModule("org.slf4j").orElseThrow().getClassLoader());
            assertThat(one.layer().findModule("logs").orElseThrow().canRead(copy)).isTrue();
        }
        assertThatThrownBy(() -> PluginLoader.builder().substitute(substitute).substitute(substitute))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
    }

    @Test
    void aPluginModuleRequiringAHostLibraryItDoesNotBundleIsRefused() {
        // The declaration check refuses this first; with it out of the way the layer holds on its own.
        Path jar = JavacJar.named("borrower.jar")
                .source("module-info.java", "module borrower { requires dev.stigmem.api; requires org.slf4j; "
                        + "provides dev.stigmem.api.Plugin with b.Entry; }")
                .source("b/Entry.java", "package b; " + manifest("borrower") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Entry.class); }")
                .against(hostJar("org.slf4j"))
                .writeTo(tmp);
        PluginLoader permissive = PluginLoader.builder().workDirectory(work).withoutScanForTests()
                .scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy("borrow.txt",
                        "@rule borrow test\nallow-module org.slf4j\n"))
                .build();
        assertThatThrownBy(() -> permissive.load(jar))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("entry 'borrower.jar:module borrower': module borrower would read the host's module org.slf4j; "
                        + "plugins share only dev.stigmem.api and the allowed JDK modules")
                .hasMessageContaining("bundle org.slf4j in the archive");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aHostLibraryReadThroughABundledModulesRequiresTransitiveIsRefusedToo() throws IOException {
        // The plugin module names only its own library; the library's requires transitive would give
        // both of them a read of the host's org.slf4j (which the archive does not bundle).
        Path dir = Files.createDirectory(tmp.resolve("chain"));
        Path lib = JavacJar.named("bridge.jar")
                .source("module-info.java", "module bridge { requires transitive org.slf4j; exports bridge; }")
                .source("bridge/Logs.java", "package bridge; public final class Logs {"
                        + " public static org.slf4j.Logger of(Class<?> c) { return org.slf4j.LoggerFactory.getLogger(c); } }")
                .against(hostJar("org.slf4j"))
                .writeTo(dir);
        JavacJar.named("chained.jar")
                .source("module-info.java", "module chained { requires dev.stigmem.api; requires bridge; provides dev.stigmem.api.Plugin with c.Entry; }")
                .source("c/Entry.java", "package c; " + manifest("chained") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " static final org.slf4j.Logger LOG = bridge.Logs.of(Entry.class); }")
                .against(lib).against(hostJar("org.slf4j"))
                .writeTo(dir);
        assertThatThrownBy(() -> loader().load(dir))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("requires org.slf4j, not on the allowlist");
        PluginLoader permissive = PluginLoader.builder().workDirectory(work).withoutScanForTests()
                .scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy("borrow.txt",
                        "@rule borrow test\nallow-module org.slf4j\n"))
                .build();
        assertThatThrownBy(() -> permissive.load(dir))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("would read the host's module org.slf4j");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aRequiresOfAHostLibraryIsRefusedByTheDeclarationCheckFirst() {
        Path jar = JavacJar.named("borrower.jar")
                .source("module-info.java", "module borrower { requires dev.stigmem.api; requires org.slf4j; "
                        + "provides dev.stigmem.api.Plugin with b.Entry; }")
                .source("b/Entry.java", "package b; " + manifest("borrower") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .against(hostJar("org.slf4j"))
                .writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("requires org.slf4j, not on the allowlist");
    }

    @Test
    void aRequiresStaticOfAHostModuleCreatesNoEdge() {
        // The host holds com.fasterxml.jackson.annotation; a plugin's optional dependency on it must not bind to it.
        Path jar = JavacJar.named("optional.jar")
                .source("module-info.java", "module optional { requires dev.stigmem.api; requires static com.fasterxml.jackson.annotation; "
                        + "provides dev.stigmem.api.Plugin with o.Entry; }")
                .source("o/Entry.java", "package o; " + manifest("optional") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .against(hostJar("com.fasterxml.jackson.annotation"))
                .writeTo(tmp);
        PluginLoader permissive = PluginLoader.builder().workDirectory(work)
                .scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy("optional.txt",
                        "@rule optional test\nallow-module com.fasterxml.jackson.annotation\n"))
                .build();
        // Allowed by policy and held by the host: the edge is kept (and checked like any read).
        assertThatThrownBy(() -> permissive.load(jar)).isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("would read the host's module com.fasterxml.jackson.annotation");
        Path plain = JavacJar.named("optional2.jar")
                .source("module-info.java", "module optional2 { requires dev.stigmem.api; requires static org.slf4j; "
                        + "provides dev.stigmem.api.Plugin with o2.Entry; }")
                .source("o2/Entry.java", "package o2; " + manifest("optional2") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .against(hostJar("org.slf4j"))
                .writeTo(tmp);
        assertThat(ModuleLayer.boot().findModule("org.slf4j")).isPresent();
        // The declaration accepts it; the scan is bypassed so that only the layer decides here.
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build().load(plain)) {
            Module m = p.layer().findModule("optional2").orElseThrow();
            assertThat(m.canRead(ModuleLayer.boot().findModule("org.slf4j").orElseThrow())).isFalse();
            assertThat(m.getDescriptor().requires()).extracting(ModuleDescriptor.Requires::name).doesNotContain("org.slf4j");
        }
    }

    @Test
    void aHostHoldingEveryAllowedModuleIsNotWarnedAbout() {
        // The api is allowed too (allow-module dev.stigmem.api) and held by the host's application loader.
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            loader();
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("boot layer does not hold");
    }

    @Test
    void stigmemAndJdkModuleNamesAreReserved() throws IOException {
        for (String name : new String[] {"dev.stigmem.node", "jdk.unsupported", "java.sql"}) {
            Path jar = JavacJar.named(name + ".jar")
                    .source("module-info.java", "module " + name + " { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with r.Entry; }")
                    .source("r/Entry.java", "package r; " + manifest("reserved") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                    .writeTo(Files.createTempDirectory(tmp, "reserved"));
            assertThatThrownBy(() -> loader().load(jar))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining(name);
        }
    }

    @Test
    void duplicateModuleNameInsideTheArchiveIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dup"));
        Path lib = library(dir, "1.0");
        pluginUsingLibrary(dir, "charlie", lib);
        Files.copy(lib, dir.resolve("vlib-copy.jar"));
        assertThatThrownBy(() -> loader().load(dir))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("duplicate module name: jars 'vlib-copy.jar' and 'vlib.jar' both hold module com.example.vlib");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void splitPackageBetweenJarsOfTheArchiveIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("split"));
        pluginUsingLibrary(dir, "delta", library(dir, "1.0"));
        JavacJar.named("other.jar")
                .source("module-info.java", "module com.example.other { }")
                .source("com/example/vlib/Extra.java", "package com.example.vlib; public final class Extra {}")
                .writeTo(dir);
        assertThatThrownBy(() -> loader().load(dir))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("split package: package com.example.vlib is in both module");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void packageOfTheApiInAPluginIsRefused() {
        Path jar = JavacJar.plainPlugin("squatter.jar", "dev.stigmem.api.core", manifest("squatter"), "").writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessageContaining("split package: package dev.stigmem.api.core is already in host module dev.stigmem.api");
    }

    @Test
    void pluginReusingAHostLibraryPackageInItsOwnModuleLoads() {
        // The host has org.slf4j; an explicit plugin module that does not read it may carry its own copy.
        Path jar = JavacJar.named("ownslf.jar")
                .source("module-info.java", "module ownslf { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with o.Entry; }")
                .source("o/Entry.java", "package o; " + manifest("ownslf") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .source("org/slf4j/Private.java", "package org.slf4j; public final class Private {}")
                .writeTo(tmp);
        loader().load(jar).close();
    }

    @Test
    void plainJarPluginWithAPlainJarLibraryLoads() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("plain-pair"));
        Path lib = JavacJar.named("plainlib.jar")
                .source("com/example/plainlib/Greeting.java",
                        "package com.example.plainlib; public final class Greeting { public static String text() { return \"hi\"; } }")
                .writeTo(dir);
        JavacJar.plainPlugin("plainuser.jar", "plainuser", manifest("plain-user"),
                        "public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(com.example.plainlib.Greeting.text()); }")
                .against(lib).writeTo(dir);
        try (LoadedPlugin p = loader().load(dir)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("hi"));
            assertThat(p.layer().modules()).extracting(Module::getName).containsExactlyInAnyOrder("plainlib", "plainuser");
        }
    }

    @Test
    void explicitPluginRequiringAPlainJarLibraryLoads() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("explicit-plain"));
        Path lib = JavacJar.named("plainlib.jar")
                .source("com/example/plainlib/Greeting.java",
                        "package com.example.plainlib; public final class Greeting { public static String text() { return \"hello\"; } }")
                .writeTo(dir);
        JavacJar.named("echo.jar")
                .source("module-info.java", "module echo { requires dev.stigmem.api; requires plainlib; "
                        + "provides dev.stigmem.api.Plugin with echo.Entry; }")
                .source("echo/Entry.java", "package echo; " + manifest("echo")
                        + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(com.example.plainlib.Greeting.text()); } }")
                .against(lib).writeTo(dir);
        try (LoadedPlugin p = loader().load(dir)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("hello"));
        }
    }

    static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
