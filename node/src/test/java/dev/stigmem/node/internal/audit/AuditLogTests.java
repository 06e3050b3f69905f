package dev.stigmem.node.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.AuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTests {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void eventsAreWrittenAsJsonLinesAndReadBackAfterReopen() throws IOException {
        Path file = dir.resolve("audit/audit.jsonl");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "plugin.registered", Map.of("plugin", "alpha", "hooks", "recall_rank"));
            log.emitterFor("alpha").emit("alpha.did", Map.of("k", "v\n\"quoted\""));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).containsExactly(
                "{\"sequence\":1,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"plugin.registered\",\"attributes\":{\"hooks\":\"recall_rank\",\"plugin\":\"alpha\"}}",
                "{\"sequence\":2,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"plugin:alpha\",\"action\":\"alpha.did\",\"attributes\":{\"k\":\"v\\n\\\"quoted\\\"\"}}");
        try (AuditLog again = AuditLog.open(file, clock)) {
            AuditEvent third = again.append("node", "node.started", Map.of());
            assertThat(third.sequence()).isEqualTo(3);
            assertThat(again.reader().recent(10)).extracting(AuditEvent::action)
                    .containsExactly("plugin.registered", "alpha.did", "node.started");
            assertThat(again.reader().byAction("alpha.did", 10)).singleElement()
                    .satisfies(e -> assertThat(e.attributes()).containsEntry("k", "v\n\"quoted\""));
        }
    }

    @Test
    void aCorruptLineStopsTheOpenNamingFileAndLine() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.record("node", "a", Map.of());
        }
        Files.writeString(file, "{\"sequence\":2,\"at\":\"2026-11-24T12:00:00Z\",\"act", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ":2: not an audit event");
    }

    @Test
    void aGapInTheSequenceIsRefused() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "{\"sequence\":5,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"x\",\"attributes\":{}}\n");
        assertThatThrownBy(() -> AuditLog.open(file, clock)).hasMessageContaining(":1: not an audit event (sequence 5 follows 0)");
    }

    @Test
    void readersAreBoundedAndNewestLast() {
        AuditLog log = AuditLog.inMemory(clock);
        for (int i = 0; i < 5; i++) {
            log.record("node", "n" + i, Map.of());
        }
        assertThat(log.reader().recent(2)).extracting(AuditEvent::action).containsExactly("n3", "n4");
        assertThatThrownBy(() -> log.reader().recent(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.reader().recent(AuditLog.RETAINED + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.file()).isEmpty();
    }
}
