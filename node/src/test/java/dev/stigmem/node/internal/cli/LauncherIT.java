package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code stigmem} launcher as a process, on the modules this build packaged. */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("stigmem.launcher", "../stigmem"));
    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("STIGMEM_JAVA_OPTS");
        pb.environment().putAll(env);
        pb.environment().put("STIGMEM_SKIP_BUILD", "1");
        // The launcher runs the same JDK as this test.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void unsignedPluginsAreRejectedByDefaultWithExitOne(@TempDir Path plugins) throws Exception {
        Files.copy(EXAMPLES.resolve("greeter-plugin.jar"), plugins.resolve("greeter-plugin.jar"));
        Run r = run("node", "--plugins", plugins.toString(), "--demo");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("greeter-plugin.jar").contains("nothing was registered");
    }

    @Test
    void scanExitsOneOnAnOverReachingPlugin() throws Exception {
        Run r = run(Map.of("STIGMEM_JAVA_OPTS", "-Xlog:class+load=info"), "scan", EXAMPLES.resolve("bad-undeclared-accessor.jar").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("DENY capability.accessor").contains("1 rejected");
        // The launcher names SLF4J's provider for short commands (no lookup at start): quietly.
        assertThat(r.err()).doesNotContain("SLF4J");
        // The capability map (Capability.forAccessorName, which judged that call) is read from
        // PluginContext's class file: no annotation proxy class spun, no generic signature parsed.
        List<String> classLoads = r.out().lines().filter(l -> l.contains("[class,load]")).toList();
        assertThat(classLoads).anyMatch(l -> l.contains(" dev.stigmem.api.CapabilityAccessors "))
                .noneMatch(l -> l.contains("__dynamic_proxy__") || l.contains("$Proxy") || l.contains(" sun.reflect.generics."));
    }

    /**
     * The CLI binds SLF4J with the platform loader as the context loader (StigmemCommand#bindLogging, so that
     * the binding's look for its configuration file opens no jar of the module path): its system properties
     * still configure it, and the thread's context loader is the application one again afterwards.
     */
    @Test
    void theLoggingBindingIsConfiguredByItsSystemProperties() throws Exception {
        Run r = run(Map.of("STIGMEM_JAVA_OPTS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"), "scan",
                EXAMPLES.resolve("library-plugin.zip").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("DEBUG dev.stigmem.loader.internal.scan.BytecodeScanner - scanned ")
                // Where the time went, for an operator with a slow scan (and for the bench's notes).
                .containsPattern("DEBUG dev.stigmem.loader.PluginLoader - prepared .*library-plugin.zip: read \\d+ ms, layer jars")
                .containsPattern("pass 1 \\d+ ms, set-up \\d+ ms, pass 2 \\d+ ms, call graph \\d+ ms, findings and report \\d+ ms\\)");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        StigmemCommand.bindLogging();
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void versionRunsOnTheModulePath() throws Exception {
        Run r = run("--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("stigmem 0.9.0");
    }

    /**
     * The class archive (a static CDS archive on 17-24, the AOT cache on 25+) of the JDK running this
     * test: made on first use, used (the CLI's classes come from it), unusable when corrupt, gone; in
     * every case the command prints exactly its own output, no JVM warning on either stream.
     */
    @Test
    void theClassArchiveNeverShowsInTheOutputWhetherMadeUsedCorruptOrMissing() throws Exception {
        String version = "stigmem 0.9.0-SNAPSHOT" + System.lineSeparator() + "Java " + Runtime.version() + " ("
                + System.getProperty("java.vm.vendor") + ")" + System.lineSeparator();
        Run first = run("--version");
        assertThat(first.out()).isEqualTo(version);
        assertThat(first.err()).isEmpty();
        Path cds = LAUNCHER.toAbsolutePath().getParent().resolve("node/target/cds");
        String prefix = "jdk" + Runtime.version().feature() + "-";
        String suffix = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";
        Path archive;
        try (var files = Files.list(cds)) {
            archive = files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(suffix))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "*" + suffix + " in " + cds));
        }
        Run used = run("--version");
        assertThat(used.out()).isEqualTo(version);
        assertThat(used.err()).isEmpty();
        // Mapped, not merely offered: the JVM's class+load log names the archive as the source of the
        // CLI's classes, picocli's included (the build gave their class files frames: JDK 25's AOT
        // cache leaves out a class file before version 50).
        List<String> classLoads = run(Map.of("STIGMEM_JAVA_OPTS", "-Xlog:class+load=info"), "--version").out().lines().toList();
        List<String> fromArchive = classLoads.stream()
                .filter(l -> l.contains(" source: shared objects file")).map(l -> l.substring(l.indexOf("] ") + 2, l.indexOf(" source:")))
                .toList();
        // The CLI's picocli model is built in code (CommandModel): read from annotations, it made the
        // JDK spin a proxy class per annotation type, which no class archive can hold.
        assertThat(classLoads).isNotEmpty().noneMatch(l -> l.contains("__dynamic_proxy__"));
        assertThat(fromArchive).contains("dev.stigmem.node.internal.cli.StigmemCommand", "picocli.CommandLine",
                "picocli.CommandLine$Model$CommandSpec", "dev.stigmem.node.internal.cli.StigmemCommand$Version");

        // Not an archive the JVM can map: it says so on its cds/aot log, which the launcher turns off.
        Files.delete(archive);
        Files.write(archive, "not a class archive".getBytes(StandardCharsets.US_ASCII));
        Run corrupt = run("scan", EXAMPLES.resolve("greeter-plugin.jar").toString());
        assertThat(corrupt.exit()).as(corrupt.err()).isZero();
        assertThat(corrupt.out()).startsWith("Scan of ").doesNotContain("warning", "error", "[", "AOT", "CDS");
        // No line of the JVM's unified log ("[0.032s][warning][cds,dynamic] ..."); the node's own log may speak.
        assertThat(corrupt.err()).doesNotContainPattern("\\[\\d+\\.\\d+s\\]\\[").doesNotContain("AOT", "CDS", "shared archive");

        // Gone: trained again before the command, silently.
        Files.delete(archive);
        Run again = run("--version");
        assertThat(again.out()).isEqualTo(version);
        assertThat(again.err()).isEmpty();
        assertThat(archive).isNotEmptyFile();
        assertThat(Files.size(archive)).as("a real archive, not the stand-in").isGreaterThan(100_000L);
    }

    /**
     * The build's ModulePackages step ran over the launcher's module path: every explicit module's
     * descriptor there names its packages, so the JVM lists no jar's entries at start
     * (ModulePackagesAttributeTests covers the step itself).
     */
    @Test
    void everyModuleOnTheLaunchersPathDeclaresItsPackages() throws Exception {
        Path modules = LAUNCHER.toAbsolutePath().getParent().resolve("node/target/modules");
        List<String> checked = new ArrayList<>();
        try (var jars = Files.newDirectoryStream(modules, "*.jar")) {
            for (Path jar : jars) {
                try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                    for (var e = zip.entries(); e.hasMoreElements();) {
                        var entry = e.nextElement();
                        if (entry.getName().endsWith("module-info.class")) {
                            assertThat(ModulePackagesAttributeTests.hasModulePackages(zip.getInputStream(entry).readAllBytes()))
                                    .as(jar.getFileName() + "!" + entry.getName()).isTrue();
                            checked.add(jar.getFileName().toString());
                        }
                    }
                }
            }
        }
        // jackson's three jars and picocli are the ones the build step rewrites (their own builds leave the attribute out).
        assertThat(checked).anyMatch(j -> j.startsWith("jackson-databind-")).anyMatch(j -> j.startsWith("picocli-"));
    }

    /**
     * The build's ClassFileUpgrade step ran over the launcher's module path: no class is verified with the
     * old inference verifier at start (picocli's were, at every start: ClassFileUpgradeTests covers the step
     * itself), and none of --version's at all, which the class archive holds verified.
     */
    @Test
    void noClassOfTheLaunchersPathIsVerifiedWithTheOldVerifier() throws Exception {
        run("--version"); // the class archive made, when this runs first
        Run version = run(Map.of("STIGMEM_JAVA_OPTS", "-Xlog:verification=info"), "--version");
        // (A lambda's class is spun at run time, so verified then.)
        assertThat(version.out().lines().filter(l -> l.contains("Verifying class"))).allMatch(l -> l.contains("$$Lambda"));
        // The archive holds a scan's classes only when the demo plugins were built for its training run.
        Run scan = run(Map.of("STIGMEM_JAVA_OPTS", "-Xlog:verification=info,class+load=info"), "scan",
                EXAMPLES.resolve("library-plugin.zip").toString());
        assertThat(scan.out()).as("the JVM's log is on").contains("[class,load] picocli.CommandLine ");
        assertThat(scan.out().lines().filter(l -> l.contains("Verifying class"))).noneMatch(l -> l.contains("old format"));
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Run r = run("node");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--plugins=DIR'");
        assertThat(run("node", "--plugins", "/nonexistent/plugins").exit()).isEqualTo(2);
    }

    @Test
    void nodeDemoRunsTheWorkloadOverExamplePlugins(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        for (String a : List.of("greeter-plugin.jar", "plain-plugin.jar", "library-plugin.zip", "bad-raw-socket.jar")) {
            Files.copy(EXAMPLES.resolve(a), plugins.resolve(a));
        }
        Path policy = Files.writeString(dir.resolve("trust.policy"), "development-unsigned = i-accept-unsigned-plugins-from-anyone\n");
        // A temp directory of its own, to see what the node leaves behind in it.
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Run r = run(Map.of("STIGMEM_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), "node", "--plugins", plugins.toString(),
                "--trust-policy", policy.toString(), "--skip-rejected", "--demo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("REJECTED " + plugins.resolve("bad-raw-socket.jar"))
                .contains("DENY network.raw: java.net.Socket")
                .contains("3 plugins registered")
                .contains("DENIED at pre_assert_authorize: anonymous asserts are not allowed")
                .contains("node.started");
        // Nothing: the loader's work directory and the guard's bridge jar (and its directory) are gone at exit.
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::toString)).isEmpty();
        }
    }
}
