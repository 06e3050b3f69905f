package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher script ({@code ../stigmem}) as a process, copied into a tree of its own with a
 * recording {@code mvnw} and a recording {@code java} (a script that prints its arguments and writes
 * the class list, archive or AOT cache a training run or a dump asks for): when it rebuilds, which JVM options each kind
 * of command gets, and how it makes and offers the class archive. No JVM and no Maven build run,
 * so each case costs a few bash processes; {@link LauncherIT} runs the launcher on the real JDK.
 */
class LauncherScriptTests {

    private static final Path LAUNCHER = Path.of(System.getProperty("stigmem.launcher", "../stigmem"));
    private static final Instant PAST = Instant.now().minusSeconds(3600);

    @TempDir
    Path root;
    private Path stamp;

    record Run(int exit, String out, String err) {
        List<String> javaArgs() {
            return out.lines().toList();
        }
    }

    @BeforeEach
    void tree() throws IOException {
        Files.copy(LAUNCHER, root.resolve("stigmem"));
        script(root.resolve("mvnw"), "printf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/mvnw.log\"\n");
        for (String source : List.of("pom.xml", "api/src/main/java/A.java", "guard/src/main/java/G.java",
                "node/src/main/java/N.java", "examples/demo/pom.xml")) {
            write(root.resolve(source), "x");
        }
        write(root.resolve("node/target/stigmem-node-0.9.0.jar"), "jar");
        write(root.resolve("node/target/modules/stigmem-guard-0.9.0.jar"), "jar");
        write(root.resolve("node/target/boot/stigmem-guard-bridge.jar"), "jar");
        stamp = write(root.resolve("node/target/modules/.stigmem-built"), "");
        try (var files = Files.walk(root)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(PAST));
            }
        }
        Files.setLastModifiedTime(stamp, FileTime.from(PAST.plusSeconds(60)));
        jdk("17.0.99");
    }

    /**
     * A JDK whose java prints one argument a line and writes the class list a training run asks for
     * (-XX:DumpLoadedClassList), the archive -Xshare:dump asks for (-XX:SharedArchiveFile) and the
     * AOT cache a JDK 25 training run asks for (-XX:AOTCacheOutput).
     */
    private void jdk(String version) throws IOException {
        Path home = root.resolve("jdk-" + version);
        write(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + version + "+1\"\nJAVA_VERSION=\"" + version + "\"\n");
        script(home.resolve("bin/java"), """
                printf '%s\\n' "$*" >> "$(dirname "$0")/../java.log"
                dump=0
                for a in "$@"; do [ "$a" != -Xshare:dump ] || dump=1; done
                for a in "$@"; do
                  case "$a" in
                    -XX:DumpLoadedClassList=*|-XX:AOTCacheOutput=*) echo archive > "${a#*=}" ;;
                    -XX:SharedArchiveFile=*) if [ "$dump" = 1 ]; then echo archive > "${a#*=}"; fi ;;
                  esac
                done
                printf '%s\\n' "$@"
                """);
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("stigmem").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("STIGMEM_SKIP_BUILD");
        pb.environment().remove("STIGMEM_JAVA_OPTS");
        pb.environment().put("JAVA_HOME", root.resolve("jdk-17.0.99").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    private List<String> builds() throws IOException {
        Path log = root.resolve("mvnw.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private List<String> javaRuns(String version) throws IOException {
        Path log = root.resolve("jdk-" + version + "/java.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void nothingNewerThanTheLastBuildRunsWithoutBuilding() throws Exception {
        Run r = run("--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(builds()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(r.javaArgs()).last().isEqualTo("--version");
    }

    @Test
    void anEditedSourceOfAnyBuiltModuleRebuildsOnceThenNoMore() throws Exception {
        for (String source : List.of("api/src/main/java/A.java", "guard/src/main/java/G.java", "examples/demo/pom.xml")) {
            // The build touched the stamp: put it back before the source's time, as an edit after a build does.
            Files.setLastModifiedTime(stamp, FileTime.from(PAST.plusSeconds(60)));
            Files.setLastModifiedTime(root.resolve(source), FileTime.from(PAST.plusSeconds(120)));
            assertThat(run("--version").exit()).isZero();
            assertThat(run("--version").exit()).isZero();
        }
        assertThat(builds()).containsExactly("-q -B -DskipTests package -pl node,examples/demo -am",
                "-q -B -DskipTests package -pl node,examples/demo -am", "-q -B -DskipTests package -pl node,examples/demo -am");
    }

    @Test
    void newFilesUnderTargetAndSkipBuildDoNotRebuild() throws Exception {
        write(root.resolve("node/target/classes/N.class"), "new");
        write(root.resolve("examples/demo/target/plugins/p.jar"), "new");
        assertThat(run("--version").exit()).isZero();
        assertThat(builds()).isEmpty();

        Files.setLastModifiedTime(root.resolve("node/src/main/java/N.java"), FileTime.from(PAST.plusSeconds(120)));
        assertThat(run(Map.of("STIGMEM_SKIP_BUILD", "1"), "--version").exit()).isZero();
        assertThat(builds()).isEmpty();
    }

    @Test
    void aMissingStampBuilds() throws Exception {
        Files.delete(stamp);
        assertThat(run("--version").exit()).isZero();
        assertThat(builds()).hasSize(1);
        assertThat(stamp).exists();
    }

    @Test
    void shortCommandsRunC1AndSerialGcAndTheOperatorsOptionsComeLast() throws Exception {
        List<String> args = run(Map.of("STIGMEM_JAVA_OPTS", "-Xmx96m -XX:TieredStopAtLevel=4"), "scan", "a.jar").javaArgs();
        assertThat(args).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC").doesNotContain("-javaagent");
        assertThat(args.indexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(args.indexOf("-XX:TieredStopAtLevel=1"));
        assertThat(args.indexOf("-Xmx96m")).isGreaterThan(args.indexOf("-XX:+UseSerialGC"));
        assertThat(args.subList(args.size() - 2, args.size())).containsExactly("scan", "a.jar");
    }

    @Test
    void theNodeJarIsTakenOverItsSourcesAndTestsJarsAndAMissingOneIsSaid() throws Exception {
        // Both sort before stigmem-node-0.9.0.jar ('-' before '.').
        write(root.resolve("node/target/stigmem-node-0.9.0-sources.jar"), "jar");
        write(root.resolve("node/target/stigmem-node-0.9.0-tests.jar"), "jar");
        String nodeJar = root.resolve("node/target/stigmem-node-0.9.0.jar").toString();
        assertThat(run("--version").javaArgs()).contains(nodeJar + ":" + root.resolve("node/target/modules"));
        Files.delete(Path.of(nodeJar));
        Run r = run("--version");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("stigmem: no node jar in " + root.resolve("node/target"));
    }

    @Test
    void shortCommandsGetHalfTheHeapYoung() throws Exception {
        assertThat(run("scan", "a.jar").javaArgs()).contains("-XX:+UseSerialGC", "-XX:NewRatio=1");
        // An option that merely mentions a heap size inside another value does not count.
        assertThat(run(Map.of("STIGMEM_JAVA_OPTS", "-Dnote=-Xmx1g"), "scan", "a.jar").javaArgs()).contains("-XX:NewRatio=1");
    }

    @Test
    void anOperatorSizedHeapKeepsTheJvmsOwnSplit() throws Exception {
        for (String opts : List.of("-Xmx96m", "-Dx=1 -Xms64m", "-Xmn16m", "-XX:MaxHeapSize=100m", "-XX:MaxNewSize=8m", "-XX:NewRatio=3")) {
            List<String> args = run(Map.of("STIGMEM_JAVA_OPTS", opts), "scan", "a.jar").javaArgs();
            assertThat(args).as(opts).contains("-XX:+UseSerialGC").doesNotContain("-XX:NewRatio=1");
        }
        assertThat(run(Map.of("STIGMEM_JAVA_OPTS", "-XX:+UseG1GC"), "scan", "a.jar").javaArgs()).doesNotContain("-XX:NewRatio=1");
    }

    @Test
    void aCollectorChosenByTheOperatorReplacesSerialGc() throws Exception {
        List<String> args = run(Map.of("STIGMEM_JAVA_OPTS", "-XX:+UseG1GC"), "--version").javaArgs();
        assertThat(args).contains("-XX:TieredStopAtLevel=1", "-XX:+UseG1GC").doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void shortCommandsNameSlf4jsProviderAndAnOperatorsChoiceWins() throws Exception {
        List<String> args = run("scan", "a.jar").javaArgs();
        assertThat(args).contains("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-Dpicocli.converters.excludes=java\\.sql\\..*,java\\.time\\..*");
        List<String> chosen = run(Map.of("STIGMEM_JAVA_OPTS", "-Dslf4j.provider=other.Provider"), "scan", "a.jar").javaArgs();
        assertThat(chosen.lastIndexOf("-Dslf4j.provider=other.Provider"))
                .isGreaterThan(chosen.indexOf("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider"));
    }

    @Test
    void theNodeKeepsTheServerDefaultsAndGetsTheGuardAgent() throws Exception {
        List<String> args = run("node", "--plugins", "p").javaArgs();
        assertThat(args).noneMatch(a -> a.startsWith("-XX:") || a.startsWith("-Dslf4j.")).anyMatch(a -> a.startsWith("-javaagent:"))
                .anyMatch(a -> a.startsWith("-Xbootclasspath/a:"));
        assertThat(javaRuns("17.0.99")).hasSize(1);
    }

    @Test
    void aJdk17StaticArchiveIsDumpedFromTheTrainingRunsClassListOnceThenOfferedWithItsLogOff() throws Exception {
        List<String> first = run("--version").javaArgs();
        List<String> runs = javaRuns("17.0.99");
        assertThat(runs).hasSize(3);
        String list = option(runs.get(0), "-XX:DumpLoadedClassList=");
        assertThat(runs.get(0)).contains("-Xlog:cds*=off").doesNotContain("-Xshare:dump", "-XX:ArchiveClassesAtExit").endsWith(" --version");
        // The dump reads that list, on the same module path and JVM options as the command, and runs no command.
        String modulePath = first.get(first.indexOf("-p") + 1);
        assertThat(runs.get(1)).contains("-Xshare:dump", "-XX:SharedClassListFile=" + list, "-Xlog:cds*=off",
                "-XX:TieredStopAtLevel=1 -XX:C1MaxInlineSize=20 -XX:C1InlineStackLimit=2 -XX:+UseSerialGC -XX:NewRatio=1", "-p " + modulePath + " -m ")
                .endsWith("/dev.stigmem.node.internal.cli.StigmemCommand");
        assertThat(option(runs.get(1), "-XX:SharedArchiveFile=")).endsWith(".tmp");
        assertThat(first).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=") && a.endsWith(".jsa")).contains("-Xlog:cds*=off")
                .noneMatch(a -> a.startsWith("-Xshare:"));

        List<String> second = run("scan", "a.jar").javaArgs();
        assertThat(javaRuns("17.0.99")).hasSize(4);
        assertThat(second).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        try (var archives = Files.list(root.resolve("node/target/cds"))) {
            assertThat(archives.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("jdk17-").endsWith(".jsa");
        }
    }

    @Test
    void newJarsGetANewArchiveAndTheOldOneOfThatJdkGoes() throws Exception {
        run("--version");
        write(root.resolve("node/target/modules/extra.jar"), "jar");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(6);
        try (var archives = Files.list(root.resolve("node/target/cds"))) {
            assertThat(archives.toList()).hasSize(1);
        }
    }

    @Test
    void eachJdkHasItsOwnArchiveAndJdk25GetsAnAotCache() throws Exception {
        run("--version");
        jdk("25.0.99");
        Map<String, String> jdk25 = Map.of("JAVA_HOME", root.resolve("jdk-25.0.99").toString());
        List<String> args = run(jdk25, "--version").javaArgs();
        assertThat(javaRuns("25.0.99").get(0)).contains("-XX:AOTCacheOutput=").contains("-Xlog:aot*=off,cds*=off");
        assertThat(args).anyMatch(a -> a.startsWith("-XX:AOTCache=") && a.endsWith(".aot")).contains("-Xlog:aot*=off,cds*=off")
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        assertThat(javaRuns("25.0.99")).hasSize(2);
        // Back on 17: its archive is still there, nothing is trained again.
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(4);
        try (var archives = Files.list(root.resolve("node/target/cds"))) {
            assertThat(archives.map(p -> p.getFileName().toString()).sorted().toList())
                    .satisfiesExactly(a -> assertThat(a).startsWith("jdk17-"), a -> assertThat(a).startsWith("jdk25-"));
        }
    }

    @Test
    void aTrainingRunThatMakesNoArchiveIsNotRetriedAndTheCommandRunsWithoutOne() throws Exception {
        // A java that never writes an archive (an unwritable directory, a JDK without a base archive).
        script(root.resolve("jdk-17.0.99/bin/java"), "printf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/../java.log\"\nprintf '%s\\n' \"$@\"\n");
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.javaArgs()).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile=")).contains("-XX:TieredStopAtLevel=1");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(3);
    }

    @Test
    void aDumpThatCrashesLeavesNoArchiveNorClassListSaysNothingAndIsNotRetried() throws Exception {
        // The training run writes its class list; -Xshare:dump writes part of an archive and dies on
        // SIGABRT, as a JVM crash does (bash would report it on stderr: "Aborted").
        script(root.resolve("jdk-17.0.99/bin/java"), """
                printf '%s\\n' "$*" >> "$(dirname "$0")/../java.log"
                for a in "$@"; do
                  case "$a" in -XX:DumpLoadedClassList=*|-XX:SharedArchiveFile=*) echo partial > "${a#*=}" ;; esac
                done
                for a in "$@"; do [ "$a" != -Xshare:dump ] || kill -ABRT $$; done
                printf '%s\\n' "$@"
                """);
        Run r = run("--version");
        assertThat(javaRuns("17.0.99").get(1)).contains("-Xshare:dump", "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + root.resolve("node/target/cds"));
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.javaArgs()).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile=")).contains("-XX:TieredStopAtLevel=1");
        try (var files = Files.list(root.resolve("node/target/cds"))) {
            assertThat(files.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("jdk17-").endsWith(".jsa.failed");
        }
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(4);
    }

    @Test
    void anArchiveAnOlderLauncherMadeForTheSameJarsIsReplaced() throws Exception {
        // What the launcher before static archives named its dynamic archive of these jars.
        run("--version");
        Path archive;
        try (var files = Files.list(root.resolve("node/target/cds"))) {
            archive = files.findFirst().orElseThrow();
        }
        String stats = String.join("\n", List.of(statLine("node/target/stigmem-node-0.9.0.jar"),
                statLine("node/target/modules/stigmem-guard-0.9.0.jar")));
        String name = archive.getFileName().toString();
        Path dynamic = archive.resolveSibling(name.substring(0, name.lastIndexOf('-') + 1) + cksum(stats) + ".jsa");
        assertThat(dynamic).isNotEqualTo(archive);
        Files.move(archive, dynamic);
        List<String> args = run("--version").javaArgs();
        assertThat(args).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(dynamic).doesNotExist();
    }

    @Test
    void aJdkWithoutAReleaseFileRunsWithoutAnArchive() throws Exception {
        Files.delete(root.resolve("jdk-17.0.99/release"));
        List<String> args = run("--version").javaArgs();
        assertThat(args).contains("-XX:TieredStopAtLevel=1").noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        assertThat(javaRuns("17.0.99")).hasSize(1);
    }

    private static String option(String commandLine, String prefix) {
        return List.of(commandLine.split(" ")).stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in " + commandLine));
    }

    /** {@code stat -c '%n %s %Y'} of a file of the tree, as the launcher keys its archive. */
    private String statLine(String file) throws IOException {
        Path p = root.toRealPath().resolve(file);
        return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toInstant().getEpochSecond();
    }

    /** POSIX cksum's CRC of a string, as the launcher names its archive. */
    private static String cksum(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("cksum").start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.substring(0, out.indexOf(' '));
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static void script(Path file, String body) throws IOException {
        write(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
