package dev.stigmem.loader;

import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginLoaderTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    PluginLoader loader() {
        return PluginLoader.builder().workDirectory(work).build();
    }

    @AfterEach
    void nothingLeftInTheWorkDirectoryOnceClosed() throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void explicitModulePluginLoadsIntoItsOwnLayer() {
        try (LoadedPlugin p = loader().load(Examples.greeter())) {
            assertThat(p.name()).isEqualTo("greeter");
            assertThat(p.moduleName()).isEqualTo("com.example.greeter");
            assertThat(p.entryClass()).isEqualTo("com.example.greeter.GreeterPlugin");
            Module m = p.plugin().getClass().getModule();
            assertThat(m.isNamed()).isTrue();
            assertThat(m.getDescriptor().isAutomatic()).isFalse();
            assertThat(m.getLayer()).isSameAs(p.layer());
            assertThat(p.layer().parents()).containsExactly(Plugin.class.getModule().getLayer());
            ClassLoader parent = p.plugin().getClass().getClassLoader().getParent();
            assertThat(parent.getName()).isEqualTo("stigmem-plugin-platform");
            assertThat(parent.getParent()).isSameAs(ClassLoader.getPlatformClassLoader());
        }
    }

    @Test
    void theHostsInstantiatorRunsConstructionWhereItChoosesAndTheThreadsContextLoaderIsRestored() throws Exception {
        java.util.concurrent.ExecutorService own = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.List<Object> seen = new java.util.ArrayList<>();
            PluginLoader l = PluginLoader.builder().workDirectory(work).instantiateWith((archive, manifest, entryClass, construction) -> {
                seen.add(manifest.name());
                seen.add(entryClass);
                return own.submit(() -> {
                    ClassLoader before = Thread.currentThread().getContextClassLoader();
                    Plugin made = construction.call();
                    seen.add(Thread.currentThread().getContextClassLoader() == before);
                    return made;
                }).get();
            }).build();
            try (LoadedPlugin p = l.load(Examples.greeter())) {
                assertThat(seen).containsExactly("greeter", "com.example.greeter.GreeterPlugin", true);
                assertThat(p.plugin().getClass().getName()).isEqualTo("com.example.greeter.GreeterPlugin");
            }
        } finally {
            own.shutdownNow();
        }
    }

    @Test
    void anInstantiatorsRefusalIsThePluginsInstantiationFailureInItsWords() {
        PluginLoader l = PluginLoader.builder().workDirectory(work).instantiateWith((archive, manifest, entryClass, construction) -> {
            throw new PluginInstantiationException(archive, java.util.Optional.of(entryClass), "its constructor did not return within 10 s");
        }).build();
        assertThatThrownBy(() -> l.load(Examples.greeter()))
                .isInstanceOfSatisfying(PluginInstantiationException.class, e -> {
                    assertThat(e.reason()).isEqualTo("its constructor did not return within 10 s");
                    assertThat(e.entry()).contains("com.example.greeter.GreeterPlugin");
                });
    }

    @Test
    void plainJarPluginLoadsAsASealedModuleReadingOnlyTheAllowlist() {
        try (LoadedPlugin p = loader().load(Examples.plain())) {
            assertThat(p.name()).isEqualTo("plain-example");
            assertThat(p.manifest().dependsOn()).containsExactly("greeter");
            // The JDK names it from the jar file, as it would an automatic module on the module path.
            assertThat(p.moduleName()).isEqualTo("plain.plugin");
            Module m = p.plugin().getClass().getModule();
            assertThat(m.getDescriptor().isAutomatic()).isFalse();
            assertThat(m.getDescriptor().isOpen()).isFalse();
            assertThat(m.getDescriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                    .containsExactlyInAnyOrder("dev.stigmem.api", "java.base", "java.compiler", "java.desktop", "java.logging",
                            "java.scripting", "java.sql", "java.xml");
            assertThat(m.canRead(org.slf4j.Logger.class.getModule())).isFalse();
            assertThat(m.isOpen("com.example.plain")).isFalse();
        }
    }

    @Test
    void zipArchiveLoadsThePluginWithItsPrivateLibraryInOneLayer() {
        try (LoadedPlugin p = loader().load(Examples.libraryZip())) {
            assertThat(p.name()).isEqualTo("slugger");
            assertThat(p.plugin().health()).isEqualTo(new Health(Health.Status.HEALTHY, "text-library-1-0-0"));
            assertThat(p.layer().modules()).extracting(Module::getName)
                    .containsExactlyInAnyOrder("com.example.libraryplugin", "com.example.textlib");
            assertThat(p.layer().findLoader("com.example.textlib")).isSameAs(p.layer().findLoader("com.example.libraryplugin"));
        }
    }

    @Test
    void directoryArchiveLoadsLikeTheZip() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("slugger"));
        try (var zip = new java.util.zip.ZipFile(Examples.libraryZip().toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                Files.write(dir.resolve(e.getName()), zip.getInputStream(e).readAllBytes());
            }
        }
        try (LoadedPlugin p = loader().load(dir)) {
            assertThat(p.plugin().health().message()).isEqualTo("text-library-1-0-0");
        }
    }

    @Test
    void serviceLoaderOfThePluginLayerSeesOnlyThatPlugin() {
        PluginLoader loader = loader();
        try (LoadedPlugin a = loader.load(Examples.greeter()); LoadedPlugin b = loader.load(Examples.plain())) {
            assertThat(ServiceLoader.load(a.layer(), Plugin.class).stream()
                    .filter(pr -> pr.type().getModule().getLayer() == a.layer()).map(pr -> pr.type().getName()))
                    .containsExactly("com.example.greeter.GreeterPlugin");
            assertThat(ServiceLoader.load(b.layer(), Plugin.class).stream().map(pr -> pr.type().getName()))
                    .doesNotContain("com.example.greeter.GreeterPlugin");
            assertThat(a.plugin().getClass().getClassLoader()).isNotSameAs(b.plugin().getClass().getClassLoader());
        }
    }

    @Test
    void operatorArchiveCanBeDeletedRightAfterLoading() throws IOException {
        Path copy = Files.copy(Examples.greeter(), tmp.resolve("greeter.jar"));
        try (LoadedPlugin p = loader().load(copy)) {
            Files.delete(copy);
            assertThat(copy).doesNotExist();
            assertThat(p.plugin().health()).isEqualTo(Health.unknown());
        }
    }

    @Test
    void closedPluginRefusesAccessAndClosingTwiceIsHarmless() {
        LoadedPlugin p = loader().load(Examples.greeter());
        p.close();
        p.close();
        assertThat(p.isClosed()).isTrue();
        assertThatThrownBy(p::plugin).isInstanceOf(IllegalStateException.class).hasMessageContaining("greeter");
    }

    @Test
    void hostVersionOutsideTheRequiredRangeIsRefused() {
        PluginLoader old = PluginLoader.builder().workDirectory(work)
                .hostVersion(dev.stigmem.api.SemanticVersion.parse("0.8.0")).build();
        assertThatThrownBy(() -> old.load(Examples.greeter()))
                .isInstanceOf(PluginDeclarationException.class)
                .hasMessageContaining("requires node >=0.9.0, this node is 0.8.0");
        PluginLoader current = PluginLoader.builder().workDirectory(work)
                .hostVersion(dev.stigmem.api.SemanticVersion.parse("0.9.0")).build();
        current.load(Examples.greeter()).close();
    }

    @Test
    void rejectingCheckStopsLoadingBeforeAnyLayer() {
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> CheckVerdict.accept())
                .check(c -> c.manifest().name().equals("greeter")
                        ? CheckVerdict.reject("test-policy", "greeter is not welcome (" + c.image().jars().size() + " jar)")
                        : CheckVerdict.accept())
                .build();
        assertThatThrownBy(() -> loader.load(Examples.greeter()))
                .isInstanceOf(PluginRejectedException.class)
                .hasMessage("plugin archive '" + Examples.greeter() + "': rejected by test-policy: greeter is not welcome (1 jar)");
        loader.load(Examples.plain()).close();
    }

    @Test
    void checkThatThrowsRejectsTheArchive() {
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> {
                    throw new IllegalStateException("scanner broke");
                }).build();
        assertThatThrownBy(() -> loader.load(Examples.greeter()))
                .isInstanceOf(PluginRejectedException.class)
                .hasMessageContaining("scanner broke");
    }

    @Test
    void checkSeesTheBytesThatAreLoaded() {
        java.util.concurrent.atomic.AtomicReference<byte[]> seen = new java.util.concurrent.atomic.AtomicReference<>();
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> {
                    seen.set(c.image().pluginJar().entry("com/example/greeter/GreeterPlugin.class").orElseThrow());
                    return CheckVerdict.accept();
                }).build();
        try (LoadedPlugin p = loader.load(Examples.greeter())) {
            try (var in = p.plugin().getClass().getModule().getResourceAsStream("com/example/greeter/GreeterPlugin.class")) {
                assertThat(in.readAllBytes()).isEqualTo(seen.get());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void checksRunInOrderAndTheFirstRejectionStopsTheRest() {
        java.util.List<String> ran = new java.util.ArrayList<>();
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> {
                    ran.add("trust");
                    return CheckVerdict.reject("trust", "unknown signer");
                })
                .check(c -> {
                    ran.add("scan");
                    return CheckVerdict.accept();
                }).build();
        assertThatThrownBy(() -> loader.load(Examples.greeter())).hasMessageEndingWith("rejected by trust: unknown signer");
        assertThat(ran).containsExactly("trust");
    }

    @Test
    void workDirectoryWritableByOthersIsRefused() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(shared).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writable by nobody else")
                .hasMessageContaining("rwxrwxrwx");
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(PluginLoader.builder().workDirectory(shared).build()).isNotNull();
    }

    @Test
    void hostWithTheApiOnTheClassPathGetsTheCommandLineToFixIt() throws Exception {
        // A separate JVM with everything on the class path: the api is then an unnamed module.
        String cp = String.join(java.io.File.pathSeparator,
                location(Plugin.class), location(PluginLoader.class), location(org.slf4j.LoggerFactory.class),
                location(net.bytebuddy.ByteBuddy.class), location(com.fasterxml.jackson.databind.ObjectMapper.class),
                location(ApiOnClassPathHost.class));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, ApiOnClassPathHost.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).contains("dev.stigmem.api is on the class path (unnamed module)")
                .contains("-p stigmem-api.jar --add-modules dev.stigmem.api");
    }

    private static String location(Class<?> c) throws java.net.URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void inspectReadsTheDeclarationWithoutLoadingOrChecking() {
        PluginLoader loader = PluginLoader.builder().workDirectory(work)
                .check(c -> CheckVerdict.reject("never", "inspect runs no checks")).build();
        PluginCandidate c = loader.inspect(Examples.libraryZip());
        assertThat(c.manifest().name()).isEqualTo("slugger");
        assertThat(c.moduleName()).isEqualTo("com.example.libraryplugin");
        assertThat(c.automaticModule()).isFalse();
        assertThat(c.jarNames()).containsExactly("example-library-plugin.jar", "example-text-library.jar");
        assertThat(c.image().pluginJar().entries()).containsKey("com/example/libraryplugin/SlugPlugin.class");
    }

    @Test
    void inspectScansWhatTheLoadPathScansForEveryExampleArchive() throws IOException {
        // scan and review judge inspect's candidate (no private copy kept, no sealed modules); the
        // verdict must be the one a load reaches: same report, byte for byte, accepted or refused.
        java.util.List<Path> archives;
        try (Stream<Path> s = Files.list(Examples.plain().getParent())) {
            archives = s.filter(a -> a.toString().endsWith(".jar") || a.toString().endsWith(".zip")).sorted().toList();
        }
        assertThat(archives).hasSizeGreaterThanOrEqualTo(6); // the accepted examples and the bad-* ones
        var policy = dev.stigmem.loader.scan.ScanPolicy.shipped();
        for (Path a : archives) {
            java.util.List<String> onLoad = new java.util.ArrayList<>();
            PluginLoader l = PluginLoader.builder().workDirectory(work).scanPolicy(policy)
                    .onScan((c, r) -> onLoad.add(r.toJson())).build();
            try {
                l.prepare(a).copy().close();
            } catch (PluginLoadException refused) {
                // a bad-* example: the report was handed to onScan before the refusal
            }
            String inspected = l.inspect(a, c -> dev.stigmem.loader.scan.ScanCheck.scan(c, policy)).toJson();
            assertThat(onLoad).as(a.getFileName().toString()).containsExactly(inspected);
        }
    }
}
