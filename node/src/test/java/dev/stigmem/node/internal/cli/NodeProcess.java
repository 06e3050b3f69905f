package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.node.internal.audit.AuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code stigmem} command run as a child process through the real launcher ({@code ../stigmem},
 * which execs the JVM, so the process is the node's JVM), stdout and stderr to files (reading two
 * pipes can deadlock).
 */
final class NodeProcess {
    static final Path LAUNCHER = Path.of(System.getProperty("stigmem.launcher", "../stigmem"));
    static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));

    final Process process;
    final Path out;
    final Path err;
    private final Thread outDrain;
    private final Thread errDrain;

    private NodeProcess(Process process, Path out, Path err, Thread outDrain, Thread errDrain) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.outDrain = outDrain;
        this.errDrain = errDrain;
    }

    /**
     * A process started in the background by a non-interactive shell (a CI job, {@code cmd &}) has
     * SIGINT ignored, and passes that on to every child: the node's JVM then cannot handle SIGINT at
     * all (the JVM leaves an ignored SIGINT ignored), and a test sending it would wait for ever. GNU
     * env puts the default action back for the node, as an operator's terminal would have it.
     */
    private static final List<String> DEFAULT_SIGINT = defaultSigint();

    private static List<String> defaultSigint() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    /** Starts {@code stigmem ARGS}; with {@code fileSizeKiB} > 0 under {@code ulimit -f} (a disk that fills). */
    static NodeProcess start(Path dir, long fileSizeKiB, String... args) throws IOException {
        return startWithJavaOpts(dir, fileSizeKiB, "", args);
    }

    /** {@link #start(Path, long, String...)} with {@code javaOpts} as the operator's {@code STIGMEM_JAVA_OPTS} (empty: none). */
    static NodeProcess startWithJavaOpts(Path dir, long fileSizeKiB, String javaOpts, String... args) throws IOException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "node-", ".out");
        Path err = Files.createTempFile(dir, "node-", ".err");
        List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
        if (fileSizeKiB > 0) {
            // The limit applies to every file the node writes; its JVM ignores SIGXFSZ, so a write past
            // it fails with EFBIG after writing what fits: what a full disk does to the trail.
            StringBuilder line = new StringBuilder("ulimit -f " + fileSizeKiB + " && exec bash '" + LAUNCHER + "'");
            for (String a : args) {
                line.append(" '").append(a.replace("'", "'\\''")).append("'");
            }
            cmd.addAll(List.of("bash", "-c", line.toString()));
        } else {
            cmd.addAll(List.of("bash", LAUNCHER.toString()));
            cmd.addAll(List.of(args));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STIGMEM_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("STIGMEM_JAVA_OPTS");
        if (!javaOpts.isEmpty()) {
            pb.environment().put("STIGMEM_JAVA_OPTS", javaOpts);
        }
        if (fileSizeKiB <= 0) {
            // Straight to the files: Process.destroy() closes this side's pipes, which would lose what the
            // node prints while it stops.
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            return new NodeProcess(p, out, err, null, null);
        }
        // Pipes, drained into the files by this JVM: the node's file-size limit must not cut its output.
        Process p = pb.start();
        p.getOutputStream().close();
        Thread o = drain(p.getInputStream(), out);
        Thread e = drain(p.getErrorStream(), err);
        return new NodeProcess(p, out, err, o, e);
    }

    private static Thread drain(java.io.InputStream from, Path to) {
        Thread t = new Thread(() -> {
            try (from; var file = Files.newOutputStream(to)) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = from.read(buffer)) > 0) {
                    file.write(buffer, 0, n);
                    file.flush();
                }
            } catch (IOException ended) {
                // the process went away
            }
        }, "drain-" + to.getFileName());
        t.setDaemon(true);
        t.start();
        return t;
    }

    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits (bounded) until stdout satisfies {@code ready}; fails with both outputs if the process ends first. */
    void awaitOut(Predicate<String> ready, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!ready.test(out())) {
            assertThat(process.isAlive()).as("node ended early, stdout:%n%s%nstderr:%n%s", out(), err()).isTrue();
            assertThat(System.nanoTime()).as("node not ready within %s; stderr:%n%s", within, err()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    int awaitExit(Duration within) throws Exception {
        boolean ended = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        String threads = "";
        if (!ended) {
            // What the node was doing, for a failure that is otherwise a bare timeout.
            threads = threadDump();
            process.destroyForcibly();
        }
        if (outDrain != null) {
            outDrain.join(within.toMillis());
            errDrain.join(within.toMillis());
        }
        assertThat(ended).as("node ended within %s; stdout:%n%s%nstderr:%n%s%nthreads:%n%s", within, out(), err(), threads).isTrue();
        return process.exitValue();
    }

    /** The node JVM's threads ({@code jcmd PID Thread.print}), bounded; a note when that fails. */
    private String threadDump() {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Path dump = Files.createTempFile(err.getParent(), "threads-", ".txt");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String text = Files.readString(dump, StandardCharsets.UTF_8);
            return text.length() > 200_000 ? text.substring(0, 200_000) + "..." : text;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** Re-opens a trail (moving a torn tail aside, refusing damage) and returns its events. */
    static List<AuditEvent> trail(Path file) throws IOException {
        try (AuditLog log = AuditLog.open(file, Clock.systemUTC())) {
            return log.reader().recent(AuditLog.RETAINED);
        }
    }

    /** Every event of a trail file as JSON lines (what is on disk, before any re-open). */
    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
