package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 as processes: the real launcher, a real JVM per node, real signals and kill -9, a real
 * file-size limit. Each test prints a {@code FAULT-RUN} line with its counts.
 */
class NodeFaultsIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration EXIT = Duration.ofSeconds(90);
    /**
     * These runs start some 45 nodes to test what signals, kill -9 and a full disk do to the node's own
     * code; the JIT tier does not enter that. C1 alone roughly halves a node start's CPU (about 6 -> 3 s
     * with the guard agent on this 2-core machine, where C2 took half), which is most of this class's
     * time in the CI. The other node ITs keep the launcher's defaults.
     */
    private static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    @TempDir
    static Path shared;
    static Path plugins;
    static Path policy;

    /** Two plugins whose stop() each records an event: the trail shows the order they were stopped in. */
    private static String plugin(String name, String cls) {
        return """
                package com.example.%1$s;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "%1$s", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
                public final class %2$s implements Plugin {
                    private PluginContext context;
                    @Override public void start(PluginContext c) { context = c; }
                    @Override public void stop() { context.getAuditEmitter().orElseThrow().emit("%1$s.stopped", java.util.Map.of()); }
                }
                """.formatted(name, cls);
    }

    @BeforeAll
    static void plugins() throws Exception {
        plugins = Files.createDirectory(shared.resolve("plugins"));
        PluginJars.compile(plugins, "alpha.jar", Map.of("com/example/alpha/Alpha.java", plugin("alpha", "Alpha")), "com.example.alpha.Alpha");
        PluginJars.compile(plugins, "beta.jar", Map.of("com/example/beta/Beta.java", plugin("beta", "Beta")), "com.example.beta.Beta");
        policy = PluginJars.development(shared);
    }

    private static List<String> actions(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::action).toList();
    }

    // --- clean shutdown ---------------------------------------------------------------------------

    /** One serving node stopped by a signal: exit 0, plugins stopped in reverse order, node.stopped last. */
    private void stopsCleanly(Path dir, String signal) throws Exception {
        Path data = dir.resolve("data");
        Path work = Files.createDirectories(dir.resolve("work"));
        NodeProcess node = NodeProcess.startWithJavaOpts(dir, 0, QUICK_JIT, "node", "--plugins", plugins.toString(), "--trust-policy", policy.toString(),
                "--data", data.toString(), "--work", work.toString());
        node.awaitOut(o -> o.contains("node serving 2 plugins"), READY);
        if (signal.equals("TERM")) {
            node.process.destroy(); // SIGTERM
        } else {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).start();
            assertThat(kill.waitFor()).isZero();
        }
        int exit = node.awaitExit(EXIT);
        assertThat(exit).as("exit status after SIG%s; stderr:%n%s", signal, node.err()).isZero();
        assertThat(node.out()).as("stderr:%n%s", node.err()).contains("stopping (SIG" + signal + ")");
        List<String> lines = NodeProcess.lines(data.resolve("audit.jsonl"));
        assertThat(lines.get(lines.size() - 1)).as("nothing after node.stopped").contains("\"action\":\"node.stopped\"");
        List<String> actions = actions(NodeProcess.trail(data.resolve("audit.jsonl")));
        assertThat(actions.subList(actions.size() - 3, actions.size())).containsExactly("beta.stopped", "alpha.stopped", "node.stopped");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("private copies left in the work directory").isEmpty();
        }
    }

    @Test
    void sigtermAndSigintRunCloseToTheEndAndExitZero() throws Exception {
        int runs = 10;
        for (int i = 0; i < runs; i++) {
            stopsCleanly(shared.resolve("term-" + i), "TERM");
            stopsCleanly(shared.resolve("int-" + i), "INT");
        }
        System.out.printf("FAULT-RUN shutdown: %d SIGTERM (Process.destroy) and %d SIGINT (kill -INT): every node exited 0 "
                + "with beta.stopped, alpha.stopped, node.stopped last in its trail%n", runs, runs);
    }

    // --- kill -9 during a write loop -------------------------------------------------------------

    private static final Pattern OK_FACT = Pattern.compile("-> ok, fact (f-[0-9]{8})");

    @Test
    void killNineAtRandomPointsOfAWriteLoopAlwaysLeavesATrailThatReopensWithEveryAcknowledgedEvent() throws Exception {
        Path dir = shared.resolve("kill");
        Path data = dir.resolve("data");
        Path work = Files.createDirectories(dir.resolve("work"));
        Path trail = data.resolve("audit.jsonl");
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            w.append("assert alice | subject-").append(i).append(" | likes | tea number ").append(i).append(" é€ | default\n");
        }
        Path workload = Files.writeString(dir.resolve("writes.txt"), w.toString());
        long seed = Long.getLong("stigmem.killSeed", System.nanoTime());
        Random random = new Random(seed);
        int kills = Integer.getInteger("stigmem.kills", 20);
        int torn = 0;
        int acknowledged = 0;
        for (int k = 0; k < kills; k++) {
            long before = Files.exists(trail) ? Files.size(trail) : 0;
            NodeProcess node = NodeProcess.startWithJavaOpts(dir, 0, QUICK_JIT, "node", "--plugins", plugins.toString(), "--trust-policy", policy.toString(),
                    "--data", data.toString(), "--work", work.toString(), "--workload", workload.toString());
            // Kill once the write loop runs, after a random number of further writes.
            node.awaitOut(o -> o.contains("-> ok, fact"), READY);
            Thread.sleep(random.nextInt(400));
            node.process.destroyForcibly(); // SIGKILL
            node.awaitExit(EXIT);
            byte[] bytes = Files.readAllBytes(trail);
            if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                torn++;
            }
            assertThat((long) bytes.length).isGreaterThan(before);
            // It re-opens (a torn tail moved aside), gapless; and every fact the node acknowledged is on it.
            List<AuditEvent> events = NodeProcess.trail(trail);
            Set<String> audited = new HashSet<>();
            List<String> lines = NodeProcess.lines(trail);
            int lastStart = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("\"action\":\"node.starting\"")) {
                    lastStart = i;
                }
            }
            for (String l : lines.subList(lastStart, lines.size())) {
                Matcher m = Pattern.compile("\"action\":\"fact.asserted\",\"attributes\":\\{\"fact\":\"(f-[0-9]{8})\"").matcher(l);
                if (m.find()) {
                    audited.add(m.group(1));
                }
            }
            List<String> acked = new ArrayList<>();
            Matcher m = OK_FACT.matcher(node.out());
            while (m.find()) {
                acked.add(m.group(1));
            }
            assertThat(acked).as("kill %d", k).isNotEmpty();
            assertThat(audited).as("kill %d: facts acknowledged to the caller are on the trail", k).containsAll(acked);
            acknowledged += acked.size();
            assertThat(events).isNotEmpty();
        }
        // A last run on the same trail finishes and stops cleanly.
        Path small = Files.writeString(dir.resolve("small.txt"), "assert alice | a | b | c | default\n");
        NodeProcess last = NodeProcess.startWithJavaOpts(dir, 0, QUICK_JIT, "node", "--plugins", plugins.toString(), "--trust-policy", policy.toString(),
                "--data", data.toString(), "--work", work.toString(), "--workload", small.toString());
        assertThat(last.awaitExit(EXIT)).as(last.err()).isZero();
        List<String> lines = NodeProcess.lines(trail);
        assertThat(lines.get(lines.size() - 1)).contains("\"action\":\"node.stopped\"");
        assertThat(NodeProcess.trail(trail)).isNotEmpty();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("private copies of killed nodes, swept by the last start").isEmpty();
        }
        System.out.printf("FAULT-RUN kill -9: %d kills of a node asserting in a loop (seed %d, -Dstigmem.killSeed to repeat), "
                + "%d torn tails found and moved aside, %d acknowledged facts all on the trail, the trail re-opened gapless "
                + "after every kill%n", kills, seed, torn, acknowledged);
    }

    // --- what a killed node leaves ---------------------------------------------------------------------

    @Test
    void theWorkDirectoryAKilledNodeLeftInTheTempDirectoryIsRemovedByTheNextStart() throws Exception {
        Path dir = Files.createDirectories(shared.resolve("leak"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        NodeProcess killed = NodeProcess.startWithJavaOpts(dir, 0, QUICK_JIT, "node", "--plugins", plugins.toString(), "--trust-policy", policy.toString());
        killed.awaitOut(o -> o.contains("node serving 2 plugins"), READY);
        long pid = killed.process.pid();
        killed.process.destroyForcibly();
        killed.awaitExit(EXIT);
        List<Path> left;
        try (Stream<Path> s = Files.list(tmp)) {
            left = s.filter(p -> p.getFileName().toString().startsWith("stigmem-loader-" + pid + "-")).toList();
        }
        assertThat(left).as("what kill -9 leaves: the work directory with both plugins' copies").hasSize(1);
        try (Stream<Path> s = Files.list(left.get(0))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("plugin-" + pid + "-"))).hasSize(2);
        }
        Path small = Files.writeString(dir.resolve("small.txt"), "assert alice | a | b | c | default\n");
        NodeProcess next = NodeProcess.startWithJavaOpts(dir, 0, QUICK_JIT, "node", "--plugins", plugins.toString(), "--trust-policy", policy.toString(),
                "--workload", small.toString());
        assertThat(next.awaitExit(EXIT)).as(next.err()).isZero();
        assertThat(left.get(0)).as("removed by the next node's start").doesNotExist();
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("stigmem-loader-" + next.process.pid() + "-")))
                    .as("the next node's own, removed at its close").isEmpty();
        }
    }

    // --- a full disk, for real ---------------------------------------------------------------------

    @Test
    void aNodeWhoseDiskFillsRefusesWritesAndItsTrailReopens() throws Exception {
        Path dir = Files.createDirectories(shared.resolve("full"));
        Path data = dir.resolve("data");
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            w.append("assert alice | subject-").append(i).append(" | likes | tea number ").append(i).append(" | default\n");
        }
        w.append("recall alice | default | tea | 1000\n");
        Path workload = Files.writeString(dir.resolve("writes.txt"), w.toString());
        Path empty = Files.createDirectories(dir.resolve("no-plugins"));
        // 64 KiB: a few hundred events, then every write fails part-way (EFBIG), as on a full disk.
        NodeProcess node = NodeProcess.startWithJavaOpts(dir, 64, QUICK_JIT, "node", "--plugins", empty.toString(), "--data", data.toString(),
                "--workload", workload.toString());
        int exit = node.awaitExit(EXIT);
        String out = node.out();
        Path trail = data.resolve("audit.jsonl");
        byte[] bytes = Files.readAllBytes(trail);
        assertThat(bytes[bytes.length - 1]).as("no partial line left on the trail").isEqualTo((byte) '\n');
        List<String> acked = new ArrayList<>();
        Matcher m = OK_FACT.matcher(out);
        while (m.find()) {
            acked.add(m.group(1));
        }
        long refused = out.lines().filter(l -> l.startsWith("alice asserts") && l.contains("FAILED")
                && l.contains("cannot write audit event") && l.contains("'fact.asserted'")).count();
        assertThat(acked).isNotEmpty();
        assertThat(refused).as(out).isGreaterThan(0);
        assertThat(acked.size() + refused).isEqualTo(2_000);
        // The recall's hits are not handed out either: recall.performed cannot be written.
        assertThat(out.lines().filter(l -> l.startsWith("alice recalls")).findFirst().orElseThrow())
                .contains("FAILED").contains("'recall.performed'");
        List<AuditEvent> events = NodeProcess.trail(trail);
        List<String> audited = events.stream().filter(e -> e.action().equals("fact.asserted")).map(e -> e.attributes().get("fact")).toList();
        assertThat(audited).as("exactly the acknowledged facts are on the trail").containsExactlyElementsOf(acked);
        // Stopping could not be recorded either: the node says so, and the trail still re-opened above.
        assertThat(exit).isNotZero();
        assertThat(node.err()).contains("cannot write audit event").contains("'node.stopped'");
        System.out.printf("FAULT-RUN disk full (ulimit -f 64): %d asserts acknowledged and audited, %d refused with the trail's "
                + "message (no fact stored), trail re-opened with no partial line%n", acked.size(), refused);
    }
}
