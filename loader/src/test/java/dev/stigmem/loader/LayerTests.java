package dev.stigmem.loader;

import dev.stigmem.api.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Module names and packages: clashes refused, private library versions side by side. */
class LayerTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    PluginLoader loader() {
        return PluginLoader.builder().workDirectory(work).build();
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

    @Test
    void moduleNameClashWithTheHostIsRefused() {
        Path jar = JavacJar.named("impostor.jar")
                .source("module-info.java", "module org.slf4j { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with i.Entry; }")
                .source("i/Entry.java", "package i; " + manifest("impostor") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .writeTo(tmp);
        assertThatThrownBy(() -> loader().load(jar))
                .isInstanceOf(LayerResolutionException.class)
                .hasMessage("plugin archive '" + jar + "', entry 'impostor.jar:module org.slf4j': "
                        + "module name clash with the host: the host already has a module named org.slf4j");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aTestHarnessMayLoadItsOwnCopyOfAHostModuleByName() {
        Path jar = JavacJar.named("own-copy.jar")
                .source("module-info.java", "module org.slf4j { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with i.Entry; }")
                .source("i/Entry.java", "package i; " + manifest("own-copy") + " public final class Entry implements dev.stigmem.api.Plugin {}")
                .writeTo(tmp);
        PluginLoader loader = PluginLoader.builder().workDirectory(work).allowShadowing("org.slf4j").build();
        try (LoadedPlugin p = loader.load(jar)) {
            Module copy = p.layer().findModule("org.slf4j").orElseThrow();
            assertThat(copy).isNotSameAs(ModuleLayer.boot().findModule("org.slf4j").orElseThrow());
            assertThat(copy.getLayer()).isSameAs(p.layer());
            // Still isolated: the copy does not read the host module it is named like.
            assertThat(copy.canRead(ModuleLayer.boot().findModule("org.slf4j").orElseThrow())).isFalse();
        }
    }

    @Test
    void stigmemAndJdkModulesCannotBeShadowed() {
        for (String name : new String[] {"dev.stigmem.api", "dev.stigmem.node", "java.base", "jdk.unsupported"}) {
            assertThatThrownBy(() -> PluginLoader.builder().allowShadowing(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot be shadowed");
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
