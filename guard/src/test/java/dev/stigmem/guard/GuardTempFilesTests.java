package dev.stigmem.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the guard leaves in the temp directory of a JVM it was installed in at run time (an embedding
 * host, the testkit: no bridge on the boot class path, so the guard injects it from a jar it writes
 * there): nothing, as soon as it is installed. Its own JVM, so that its temp directory is the test's.
 */
class GuardTempFilesTests {

    @Test
    void aJvmThatInstalledTheGuardLeavesNothingInItsTempDirectoryEvenWhileItRuns(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path program = Files.writeString(dir.resolve("Install.java"), """
                public class Install {
                    public static void main(String[] args) {
                        dev.stigmem.guard.JdkGuard.install(dev.stigmem.loader.scan.ScanPolicy.shipped());
                        try (var left = java.nio.file.Files.list(java.nio.file.Path.of(args[0]))) {
                            System.out.println("installed; left in the temp directory: " + left.toList());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
                """);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading", "-Djava.io.tmpdir=" + tmp,
                "-p", System.getProperty("jdk.module.path"), "--add-modules", "dev.stigmem.guard",
                program.toString(), tmp.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // Already while it runs: a JVM killed (as the node's fault tests do) or halted runs no exit hook, and
        // each left the directory of the bridge's jar behind.
        assertThat(out).contains("installed; left in the temp directory: []");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::toString)).isEmpty();
        }
    }
}
