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
        write(home.resolve("lib/modules"), "the class image of " + version);
        script(home.resolve("bin/java"), """
                printf '%s\\n' "$*" >> "$(dirname "$(readlink -f "$0")")/../java.log"
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
        return runIn(root, root.resolve("stigmem").toString(), env, args);
    }

    /** The launcher named {@code launcher} (as typed: relative to {@code directory}, or absolute), run from {@code directory}. */
    private Run runIn(Path directory, String launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(directory.toFile());
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

    /** The names of the files in node/target/cds whose name ends with one of {@code suffixes}, sorted. */
    private List<String> cds(String... suffixes) throws IOException {
        try (var files = Files.list(root.resolve("node/target/cds"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> List.of(suffixes).stream().anyMatch(n::endsWith)).sorted().toList();
        }
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
    void shortCommandsAskForTransparentHugePagesExactlyWhereTheKernelOffersThem() throws Exception {
        // The launcher reads the kernel's setting itself; this machine's decides what it must do.
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String mode = Files.isReadable(setting) ? Files.readString(setting) : "";
        boolean offered = mode.contains("[madvise]") || mode.contains("[always]");
        List<String> scan = run("scan", "a.jar").javaArgs();
        if (offered) {
            assertThat(scan).as(mode).contains("-XX:+UseTransparentHugePages");
            // An operator's -XX:-UseTransparentHugePages comes later, so the JVM takes it.
            List<String> off = run(Map.of("STIGMEM_JAVA_OPTS", "-XX:-UseTransparentHugePages"), "scan", "a.jar").javaArgs();
            assertThat(off.lastIndexOf("-XX:-UseTransparentHugePages")).isGreaterThan(off.indexOf("-XX:+UseTransparentHugePages"));
        } else {
            assertThat(scan).as(mode).doesNotContain("-XX:+UseTransparentHugePages");
        }
        // The node keeps the JVM's server defaults.
        assertThat(run("node", "--plugins", "p").javaArgs()).doesNotContain("-XX:+UseTransparentHugePages");
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
        assertThat(args).contains("-javaagent:" + root.resolve("node/target/modules/stigmem-guard-0.9.0.jar"));

        Files.delete(root.resolve("node/target/modules/stigmem-guard-0.9.0.jar"));
        Run r = run("node", "--plugins", "p");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("stigmem: no guard jar in " + root.resolve("node/target/modules"));
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
        assertThat(cds(".jsa")).singleElement().asString().startsWith("jdk17-17.0.99+1-").endsWith("_jdk-17.0.99.jsa");
        // Beside it, what it was made from: the size and modification time of each jar and of the JDK's class image.
        String name = cds(".jsa").get(0);
        assertThat(root.resolve("node/target/cds/" + name + ".key")).content()
                .contains(root.resolve("node/target/stigmem-node-0.9.0.jar") + " 3 ", root.resolve("node/target/modules/stigmem-guard-0.9.0.jar") + " 3 ",
                        root.resolve("jdk-17.0.99/lib/modules") + " ");
    }

    @Test
    void newJarsGetANewArchiveAndTheOldOneOfThatJdkGoes() throws Exception {
        run("--version");
        write(root.resolve("node/target/modules/extra.jar"), "jar");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(6);
        assertThat(cds(".jsa", ".failed", ".tmp")).hasSize(1);
        assertThat(root.resolve("node/target/cds/" + cds(".jsa").get(0) + ".key")).content().contains("extra.jar");
    }

    @Test
    void aJarRebuiltUnderTheSameNameOrAJdkUpdatedInPlaceGetsANewArchive() throws Exception {
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(3);
        // The same name, another size.
        write(root.resolve("node/target/modules/stigmem-guard-0.9.0.jar"), "jar, rebuilt");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(6);
        // The same name and size, another modification time.
        Files.setLastModifiedTime(root.resolve("node/target/stigmem-node-0.9.0.jar"), FileTime.from(PAST.plusSeconds(7)));
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(9);
        // The JDK's class image replaced, its version unchanged.
        write(root.resolve("jdk-17.0.99/lib/modules"), "the class image, patched");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(12);
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(13);
        assertThat(cds(".jsa", ".failed", ".tmp")).hasSize(1);
    }

    @Test
    void javaOnThePathIsFollowedThroughItsLinksOnceAndAgainWhenTheLinkMoves() throws Exception {
        jdk("25.0.99");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("java"), root.resolve("jdk-17.0.99/bin/java"));
        Map<String, String> onPath = Map.of("JAVA_HOME", "", "PATH", bin + ":" + System.getenv("PATH"));
        List<String> args = run(onPath, "--version").javaArgs();
        assertThat(args).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=") && a.endsWith("_jdk-17.0.99.jsa"));
        assertThat(root.resolve("node/target/cds/java-on-path")).hasContent(link + "\n" + root.resolve("jdk-17.0.99"));
        assertThat(run(onPath, "scan", "a.jar").javaArgs()).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        assertThat(javaRuns("17.0.99")).hasSize(4);

        Files.delete(link);
        Files.createSymbolicLink(link, root.resolve("jdk-25.0.99/bin/java"));
        args = run(onPath, "--version").javaArgs();
        assertThat(args).anyMatch(a -> a.startsWith("-XX:AOTCache=") && a.endsWith("_jdk-25.0.99.aot"));
        assertThat(root.resolve("node/target/cds/java-on-path")).hasContent(link + "\n" + root.resolve("jdk-25.0.99"));
        assertThat(javaRuns("25.0.99")).hasSize(2);
        assertThat(javaRuns("17.0.99")).hasSize(4);
    }

    @Test
    void theLauncherNamedRelativelyRunsOnTheSameAbsolutePathsAndArchive() throws Exception {
        List<String> first = run("--version").javaArgs();
        String modulePath = first.get(first.indexOf("-p") + 1);
        assertThat(modulePath).isEqualTo(root.resolve("node/target/stigmem-node-0.9.0.jar") + ":" + root.resolve("node/target/modules"));
        Files.createDirectories(root.resolve("node/src"));
        for (Run r : List.of(runIn(root, "stigmem", Map.of(), "--version"), runIn(root, "./stigmem", Map.of(), "--version"),
                runIn(root.resolve("node"), "../stigmem", Map.of(), "--version"), runIn(root.resolve("node/src"), "../.././stigmem", Map.of(), "--version"),
                runIn(root.resolve("node"), root + "/node/../stigmem", Map.of(), "--version"),
                runIn(Path.of("/"), root.toString().substring(1) + "/stigmem", Map.of(), "--version"))) {
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> args = r.javaArgs();
            assertThat(args.get(args.indexOf("-p") + 1)).isEqualTo(modulePath);
            assertThat(args).containsAll(first.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).toList());
        }
        assertThat(javaRuns("17.0.99")).hasSize(3 + 6);
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
        assertThat(cds(".jsa", ".aot")).satisfiesExactly(a -> assertThat(a).startsWith("jdk17-"), a -> assertThat(a).startsWith("jdk25-"));
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
        assertThat(cds(".jsa", ".failed", ".tmp", ".crash", ".classlist")).singleElement().asString().startsWith("jdk17-").endsWith(".jsa.failed");
        run("--version");
        assertThat(javaRuns("17.0.99")).hasSize(4);
    }

    @Test
    void theArchivesAnOlderLauncherNamedByChecksumsGo() throws Exception {
        // How the launcher before named them: jdk<feature>-<cksum of the JDK>-<cksum of the jars>, the markers too.
        Path dir = Files.createDirectories(root.resolve("node/target/cds"));
        List<Path> older = List.of(write(dir.resolve("jdk17-3926714201-1093425110.jsa"), "archive"),
                write(dir.resolve("jdk25-12-34.aot.failed"), ""), write(dir.resolve("jdk17-77-88.jsa"), "archive"));
        List<String> args = run("--version").javaArgs();
        assertThat(args).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=") && a.endsWith("_jdk-17.0.99.jsa"));
        assertThat(older).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(cds(".jsa", ".aot", ".failed")).singleElement().asString().endsWith("_jdk-17.0.99.jsa");
    }

    @Test
    void aJdkWithoutAClassImageRunsWithoutAnArchive() throws Exception {
        Files.delete(root.resolve("jdk-17.0.99/lib/modules"));
        List<String> args = run("--version").javaArgs();
        assertThat(args).contains("-XX:TieredStopAtLevel=1").noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        assertThat(javaRuns("17.0.99")).hasSize(1);
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

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static void script(Path file, String body) throws IOException {
        write(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
