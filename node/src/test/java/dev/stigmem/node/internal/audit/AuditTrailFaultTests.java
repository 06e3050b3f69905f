package dev.stigmem.node.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.node.AuditFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trail under the faults of issue 14: interrupted writers, a full disk (a file that fails after
 * a number of bytes), torn tails of each kind, damage, and events after the node stopped. Every
 * test ends by re-opening the file: it must open, gapless, holding exactly the acknowledged events.
 */
class AuditTrailFaultTests {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** Re-opens the trail and returns its events (the open checks every line and the sequence). */
    private List<AuditEvent> reopened(Path file) throws IOException {
        try (AuditLog log = AuditLog.open(file, clock)) {
            return log.reader().recent(AuditLog.RETAINED);
        }
    }

    // --- interrupts -------------------------------------------------------------------------------

    @Test
    void interruptedWritersNeitherCloseNorBreakTheTrail() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int writers = 16;
        int each = 100;
        AtomicInteger failures = new AtomicInteger();
        AtomicLong interrupts = new AtomicLong();
        List<Throwable> first = java.util.Collections.synchronizedList(new ArrayList<>());
        try (AuditLog log = AuditLog.open(file, clock)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        // an interrupt before the first write: write anyway
                    }
                    for (int i = 0; i < each; i++) {
                        try {
                            log.record("node", "w.event", Map.of("writer", Integer.toString(id), "i", Integer.toString(i)));
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            first.add(e);
                        }
                    }
                }, "writer-" + t));
            }
            threads.forEach(Thread::start);
            go.countDown();
            // Interrupt every writer, again and again, while any is writing.
            while (threads.stream().anyMatch(Thread::isAlive)) {
                for (Thread t : threads) {
                    t.interrupt();
                    interrupts.incrementAndGet();
                }
                Thread.onSpinWait();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures.get()).as("writes refused after interrupts: %s", first.stream().limit(1).toList()).isZero();
            // The trail still works for the next caller, interrupted or not.
            Thread.currentThread().interrupt();
            log.record("node", "after", Map.of());
            assertThat(Thread.interrupted()).as("the caller's interrupt is left as it was").isTrue();
            log.record("node", "after", Map.of());
        }
        List<AuditEvent> events = reopened(file);
        assertThat(events).hasSize(writers * each + 2);
        assertThat(events.get(events.size() - 1).sequence()).isEqualTo(writers * each + 2);
        System.out.printf("FAULT-RUN audit interrupts: %d interrupts of %d writers over %d writes, %d writes refused, "
                + "trail re-opened gapless with %d events%n", interrupts.get(), writers, writers * each, failures.get(), events.size());
    }

    // --- full disk --------------------------------------------------------------------------------

    /** A trail file that takes {@code budget} more bytes and then fails like a full disk: part of the write lands, then ENOSPC. */
    static final class FullDisk implements TrailFile.Opener {
        final AtomicLong budget;
        volatile boolean failForce;
        volatile boolean failTruncate;
        final AtomicInteger injected = new AtomicInteger();

        FullDisk(long budget) {
            this.budget = new AtomicLong(budget);
        }

        @Override
        public TrailFile open(Path file) throws IOException {
            TrailFile real = TrailFile.open(file);
            return new TrailFile() {
                @Override
                public long size() throws IOException {
                    return real.size();
                }

                @Override
                public void write(long position, byte[] bytes) throws IOException {
                    long left = budget.get();
                    if (left >= bytes.length) {
                        budget.addAndGet(-bytes.length);
                        real.write(position, bytes);
                        return;
                    }
                    budget.set(0);
                    injected.incrementAndGet();
                    real.write(position, Arrays.copyOf(bytes, (int) left)); // the part that fit
                    throw new IOException("No space left on device");
                }

                @Override
                public void force() throws IOException {
                    if (failForce) {
                        injected.incrementAndGet();
                        throw new IOException("Input/output error");
                    }
                    real.force();
                }

                @Override
                public void truncate(long size) throws IOException {
                    if (failTruncate) {
                        throw new IOException("Read-only file system");
                    }
                    real.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }
    }

    @Test
    void aFullDiskRefusesTheEventCutsThePartialLineAndTheTrailGoesOnOnceThereIsSpace() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        FullDisk disk = new FullDisk(Long.MAX_VALUE);
        try (AuditLog log = AuditLog.open(file, clock, false, disk)) {
            log.record("node", "a", Map.of());
            log.record("node", "b", Map.of());
            long before = Files.size(file);
            disk.budget.set(20); // the next line is longer: 20 bytes of it land, then the disk is full
            assertThatThrownBy(() -> log.record("node", "c", Map.of("k", "v")))
                    .isInstanceOf(AuditFailedException.class)
                    .hasMessageContaining("cannot write audit event 3 'c' to " + file)
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("the effect it records, were refused")
                    .hasMessageContaining("the trail still ends with event 2");
            assertThat(Files.size(file)).as("the partial line is cut off").isEqualTo(before);
            assertThat(Files.readString(file)).endsWith("}\n");
            assertThat(log.reader().recent(10)).extracting(AuditEvent::action).containsExactly("a", "b");
            // Still full: refused again, the same sequence number is not glued onto anything.
            assertThatThrownBy(() -> log.record("node", "c", Map.of())).isInstanceOf(AuditFailedException.class);
            disk.budget.set(Long.MAX_VALUE); // space freed
            assertThat(log.append("node", "c", Map.of()).sequence()).isEqualTo(3);
        }
        assertThat(reopened(file)).extracting(AuditEvent::action).containsExactly("a", "b", "c");
    }

    @Test
    void aFailedForceRefusesTheEventAndCutsIt() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        FullDisk disk = new FullDisk(Long.MAX_VALUE);
        try (AuditLog log = AuditLog.open(file, clock, false, disk)) {
            log.record("node", "a", Map.of());
            disk.failForce = true;
            assertThatThrownBy(() -> log.record("node", "b", Map.of())).isInstanceOf(AuditFailedException.class)
                    .hasMessageContaining("Input/output error");
            disk.failForce = false;
            log.record("node", "b", Map.of());
        }
        assertThat(reopened(file)).extracting(AuditEvent::sequence).containsExactly(1L, 2L);
    }

    @Test
    void aTrailThatCannotBeCutRefusesEveryWriteUntilItCan() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        FullDisk disk = new FullDisk(Long.MAX_VALUE);
        try (AuditLog log = AuditLog.open(file, clock, false, disk)) {
            log.record("node", "a", Map.of());
            disk.budget.set(10);
            disk.failTruncate = true;
            assertThatThrownBy(() -> log.record("node", "b", Map.of())).isInstanceOf(AuditFailedException.class)
                    .hasMessageContaining("refuses every write until its end can be cut back to event 1");
            disk.budget.set(Long.MAX_VALUE);
            assertThatThrownBy(() -> log.record("node", "b", Map.of())).isInstanceOf(AuditFailedException.class);
            disk.failTruncate = false;
            log.record("node", "b", Map.of());
        }
        assertThat(reopened(file)).extracting(AuditEvent::action).containsExactly("a", "b");
    }

    /**
     * The disk fills at every byte offset of a run of writes: each time, the events acknowledged are
     * exactly the events the re-opened trail holds, and nothing else is in the file.
     */
    @Test
    void aDiskFullAtAnyByteLeavesExactlyTheAcknowledgedEvents() throws IOException {
        int injections = 0;
        int trails = 0;
        for (int budget = 0; budget < 700; budget += 3) {
            trails++;
            Path file = dir.resolve("full-" + budget + ".jsonl");
            FullDisk disk = new FullDisk(budget);
            int acknowledged = 0;
            int refused = 0;
            try (AuditLog log = AuditLog.open(file, clock, false, disk)) {
                for (int i = 0; i < 8; i++) {
                    try {
                        log.record("node", "e" + i, Map.of("text", "é€𝄞 ".repeat(i)));
                        acknowledged++;
                    } catch (AuditFailedException e) {
                        refused++;
                    }
                }
            }
            injections += disk.injected.get();
            List<AuditEvent> events = reopened(file);
            assertThat(events).as("budget %d", budget).hasSize(acknowledged);
            assertThat(refused).isEqualTo(8 - acknowledged);
            assertThat(Files.readString(file).isEmpty() || Files.readString(file).endsWith("\n")).isTrue();
        }
        assertThat(injections).isGreaterThan(200);
        System.out.printf("FAULT-RUN audit disk-full: %d trails filled at byte 0 to 699 (step 3), %d writes failed by a full disk "
                + "(part of the line written, then ENOSPC), every trail re-opened with exactly its acknowledged events%n", trails, injections);
    }

    // --- torn tails -------------------------------------------------------------------------------

    private static final String EVENT_2 = "{\"sequence\":2,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"b\","
            + "\"attributes\":{\"who\":\"Zoë €\"}}";

    /** The byte offset of the euro sign (three bytes in UTF-8) in EVENT_2. */
    private static final int EURO = EVENT_2.substring(0, EVENT_2.indexOf('€')).getBytes(StandardCharsets.UTF_8).length;

    private Path trailWithOneEvent() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "a", Map.of());
        }
        return file;
    }

    private static byte[] tail(String kind) {
        byte[] event = EVENT_2.getBytes(StandardCharsets.UTF_8);
        return switch (kind) {
            case "partial-line" -> Arrays.copyOf(event, 30);
            // "€" is three bytes: cut after its first.
            case "utf8-tear" -> Arrays.copyOf(event, EURO + 1);
            case "no-newline" -> event;
            case "zero-bytes" -> new byte[4096];
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"partial-line", "utf8-tear", "no-newline", "zero-bytes"})
    void aTornTailIsMovedAsideNamedAndAuditedAndTheTrailOpens(String kind) throws IOException {
        Path file = trailWithOneEvent();
        byte[] good = Files.readAllBytes(file);
        byte[] torn = tail(kind);
        Files.write(file, torn, StandardOpenOption.APPEND);

        AuditEvent repaired;
        try (AuditLog log = AuditLog.open(file, clock)) {
            repaired = log.reader().byAction("node.audit_repaired", 1).get(0);
            // The next event is a line of its own, not glued onto the torn one.
            log.record("node", "c", Map.of());
        }
        assertThat(repaired.sequence()).isEqualTo(2);
        assertThat(repaired.attributes()).containsEntry("file", file.toString()).containsEntry("line", "2")
                .containsEntry("repair", "automatic").containsEntry("bytes", Integer.toString(torn.length));
        assertThat(repaired.attributes().get("reason")).contains(switch (kind) {
            case "partial-line" -> "the last line is partial, without a newline";
            case "utf8-tear" -> "ends inside a UTF-8 character";
            case "no-newline" -> "the last line (event 2) has no newline";
            default -> "zero bytes";
        });
        Path aside = Path.of(repaired.attributes().get("moved_to"));
        assertThat(aside.getParent()).isEqualTo(file.getParent());
        assertThat(aside.getFileName().toString()).isEqualTo("audit.jsonl.torn-20261124T120000Z");
        assertThat(Files.readAllBytes(aside)).as("the torn bytes, kept").isEqualTo(torn);
        byte[] now = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(now, good.length)).isEqualTo(good);
        assertThat(reopened(file)).extracting(AuditEvent::action).containsExactly("a", "node.audit_repaired", "c");
    }

    @Test
    void aSecondRepairOnTheSameSecondGetsItsOwnFile() throws IOException {
        Path file = trailWithOneEvent();
        for (int i = 0; i < 2; i++) {
            Files.write(file, tail("partial-line"), StandardOpenOption.APPEND);
            AuditLog.open(file, clock).close();
        }
        assertThat(dir.resolve("audit.jsonl.torn-20261124T120000Z")).exists();
        assertThat(dir.resolve("audit.jsonl.torn-20261124T120000Z-2")).exists();
        assertThat(reopened(file)).extracting(AuditEvent::sequence).containsExactly(1L, 2L, 3L);
    }

    // --- damage -----------------------------------------------------------------------------------

    @Test
    void invalidUtf8InsideTheTrailIsNamedWithFileAndLineAndStopsTheOpen() throws IOException {
        Path file = trailWithOneEvent();
        byte[] event = (EVENT_2 + "\n").getBytes(StandardCharsets.UTF_8);
        event[EURO + 1] = (byte) 0x41; // a continuation byte replaced: invalid, in a complete line
        Files.write(file, event, StandardOpenOption.APPEND);
        Files.writeString(file, "{\"sequence\":3,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"c\",\"attributes\":{}}\n",
                StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ":2: not valid UTF-8 (at byte")
                .hasMessageContaining("--repair-audit");
    }

    @Test
    void theOperatorsRepairMovesDamageAsideFromItsFirstBadLine() throws IOException {
        Path file = trailWithOneEvent();
        String damage = "{\"sequence\":7,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"x\",\"attributes\":{}}\n"
                + "{\"sequence\":8,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"y\",\"attributes\":{}}\n";
        Files.writeString(file, damage, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock)).hasMessageContaining(":2: not an audit event (sequence 7 follows 1)");
        try (AuditLog log = AuditLog.open(file, clock, true)) {
            AuditEvent repaired = log.reader().byAction("node.audit_repaired", 1).get(0);
            assertThat(repaired.attributes()).containsEntry("repair", "operator").containsEntry("line", "2");
            assertThat(Files.readString(Path.of(repaired.attributes().get("moved_to")))).isEqualTo(damage);
            assertThat(repaired.attributes().get("moved_to")).endsWith("audit.jsonl.damaged-20261124T120000Z");
        }
        assertThat(reopened(file)).extracting(AuditEvent::action).containsExactly("a", "node.audit_repaired");
    }

    @Test
    void anEventGluedOntoAnotherIsDamageNotHalfAnEvent() throws IOException {
        // What the old trail wrote after a full disk: a partial line, and the same sequence written again onto it.
        Path file = trailWithOneEvent();
        Files.writeString(file, EVENT_2.substring(0, 40) + EVENT_2 + "\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock)).hasMessageStartingWith(file + ":2: not an audit event");
        String glued = EVENT_2 + EVENT_2.replace("\"sequence\":2", "\"sequence\":3") + "\n";
        Files.write(file, new byte[0]);
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "a", Map.of());
        }
        Files.writeString(file, glued, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock)).hasMessageStartingWith(file + ":2: not an audit event");
    }

    // --- seal, second writer ----------------------------------------------------------------------

    @Test
    void nothingIsWrittenAfterTheSealingEvent() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "node.started", Map.of());
            log.seal("node", "node.stopped", Map.of());
            assertThatThrownBy(() -> log.record("node", "late", Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sealed by node.stopped");
            assertThatThrownBy(() -> log.emitterFor("alpha").emit("alpha.late", Map.of())).isInstanceOf(IllegalStateException.class);
        }
        assertThat(reopened(file)).extracting(AuditEvent::action).containsExactly("node.started", "node.stopped");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(lines.size() - 1)).contains("\"action\":\"node.stopped\"");
    }

    @Test
    void aSecondWriterOfTheSameTrailIsRefused() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "a", Map.of());
            assertThatThrownBy(() -> AuditLog.open(file, clock)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is in use by another node");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
