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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"node.started", "plugin.registered", "capability.denied",
            "hook.denied", "fact.asserted", "identity.put", "install.accepted"})
    void aPluginCannotEmitTheNodesOwnActions(String action) {
        AuditLog log = AuditLog.inMemory(clock);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.emitterFor("alpha").emit(action, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugin 'alpha' cannot emit audit event '" + action + "'")
                .hasMessageContaining("are the node's own");
        assertThat(log.reader().recent(10)).isEmpty();
        // The node itself, and plugins with their own namespace, may.
        log.record("node", action, Map.of());
        log.emitterFor("alpha").emit("alpha.did", Map.of("k", "v"));
        assertThat(log.reader().recent(10)).hasSize(2);
    }

    @Test
    void aPluginsEventIsBounded() {
        AuditLog log = AuditLog.inMemory(clock);
        var emitter = log.emitterFor("alpha");
        Map<String, String> many = new java.util.TreeMap<>();
        for (int i = 0; i <= dev.stigmem.api.core.AuditEmitter.MAX_ATTRIBUTES; i++) {
            many.put("k" + i, "v");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> emitter.emit("alpha.did", many))
                .hasMessageContaining("plugin 'alpha' cannot emit audit event 'alpha.did': attributes: more than 32 entries");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> emitter.emit("alpha.did", Map.of("k", "x".repeat(4097))))
                .hasMessageContaining("attribute 'k' is 4097 characters, at most 4096");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> emitter.emit("Alpha Did\n", Map.of()))
                .hasMessageContaining("cannot emit audit event 'Alpha Did\\u000a'")
                .hasMessageContaining("1 to 64 characters of [a-z0-9_.-]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> emitter.emit("alpha.did", Map.of("k".repeat(65), "v")))
                .hasMessageContaining("must be 1 to 64 characters");
        emitter.emit("alpha.did", Map.of("k", "x".repeat(4096)));
        assertThat(log.reader().recent(10)).hasSize(1);
    }

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
        // Not a torn tail: a bad line with complete lines after it is damage, not a crash's leftover.
        Files.writeString(file, "{\"sequence\":2,\"at\":\"2026-11-24T12:00:00Z\",\"act\n"
                + "{\"sequence\":3,\"at\":\"2026-11-24T12:00:00Z\",\"actor\":\"node\",\"action\":\"x\",\"attributes\":{}}\n",
                StandardOpenOption.APPEND);
        assertThatThrownBy(() -> AuditLog.open(file, clock))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ":2: not an audit event")
                .hasMessageContaining("--repair-audit");
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
