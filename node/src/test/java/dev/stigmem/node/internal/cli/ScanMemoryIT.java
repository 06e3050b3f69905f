package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stigmem scan} as a process with a small heap, over archives within every limit that used
 * to take hundreds of MiB to scan, and a batch in which one archive does run out of memory: the
 * scan completes, every archive is reported, the status is the batch's.
 */
class ScanMemoryIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("stigmem.launcher", "../stigmem"));
    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));

    record Run(int exit, String out, String err) {
    }

    private static Run scan(String heap, Path... archives) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString(), "scan"));
        for (Path a : archives) {
            cmd.add(a.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STIGMEM_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("STIGMEM_JAVA_OPTS", "-Xmx" + heap);
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("scan finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void aReferenceRepeatedThousandsOfTimesInHundredsOfClassesScansInA96MiBHeap(@TempDir Path dir) throws Exception {
        // 400 classes of 10,000 System.exit calls on one line: 16 MiB of class files, a few hundred KiB
        // of archive. Each class is one finding; the scan used to keep every call's (4 million).
        Path bomb = HostileArchives.exits(dir, "repeated.jar", 400, 10_000, false);
        Run r = scan("96m", bomb);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("REJECT: 401 findings (401 deny, 0 warn, 0 info) in 402 classes")
                .endsWith("1 archive scanned: 0 accepted, 1 rejected, 0 unreadable\n");
        assertThat(r.err()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void millionsOfDistinctFindingsStopAtTheFindingsLimitInA96MiBHeap(@TempDir Path dir) throws Exception {
        // 250 classes of 1,000 methods calling System.exit: 250,000 distinct findings (one per rule,
        // target and method), past the limit of 200,000.
        Path bomb = HostileArchives.exits(dir, "distinct.jar", 250, 1_000, true);
        Run r = scan("96m", bomb);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).contains("ERROR " + bomb + ": more than 200000 findings, the limit; the archive is refused")
                .endsWith("1 archive scanned: 0 accepted, 0 rejected, 1 unreadable\n");
    }

    @Test
    void anArchiveThatRunsOutOfMemoryDoesNotTakeTheOtherReportsWithIt(@TempDir Path dir) throws Exception {
        // 100 MiB of entries: within the archive budget (128 MiB), more than a 64 MiB heap holds.
        Path large = HostileArchives.zeros(dir, "large.jar", 1_600);
        Path greeter = EXAMPLES.resolve("greeter-plugin.jar");
        Path rawSocket = EXAMPLES.resolve("bad-raw-socket.jar");
        Run r = scan("64m", greeter, large, rawSocket);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out())
                .contains("Scan of " + greeter + "\nACCEPT: 0 findings")
                .contains("Scan of " + large + "\nERROR the Java heap (")
                .contains("ran out while this archive was scanned, also when scanned alone; it was not judged. "
                        + "Run the scan with more heap (STIGMEM_JAVA_OPTS=-Xmx...)")
                .contains("Scan of " + rawSocket + "\nDENY network.raw: java.net.Socket")
                .endsWith("3 archives scanned: 1 accepted, 1 rejected, 1 unreadable\n")
                .doesNotContain("OutOfMemoryError");
        // The same archive, given the heap its budget asks for, is judged.
        Run enough = scan("256m", large);
        assertThat(enough.exit()).as(enough.out() + enough.err()).isZero();
        assertThat(Files.size(large)).isLessThan(1 << 20);
    }
}
