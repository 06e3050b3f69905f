package dev.stigmem.node.internal.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The node's audit trail: append-only, one JSON object per line, each line written and forced to
 * disk before {@link #record} returns, so an event the node acted on survives a crash.
 *
 * <p>Reopening a log continues its sequence; a line that does not parse stops the open with an
 * error naming the file and line, rather than the node running on a trail it cannot read. The
 * newest {@value #RETAINED} events are kept in memory for {@link AuditReader}; the file holds all.
 * Without a file (tests, {@code --data} not given) the trail is memory-only and says so.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class AuditLog implements AuditSink, AutoCloseable {

    /** Events kept in memory for readers. */
    public static final int RETAINED = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private final Optional<FileChannel> channel;
    private final Clock clock;
    private final Deque<AuditEvent> recent = new ArrayDeque<>();
    private long sequence;

    private AuditLog(Optional<Path> file, Optional<FileChannel> channel, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
    }

    /** A trail kept only in memory. */
    public static AuditLog inMemory(Clock clock) {
        return new AuditLog(Optional.empty(), Optional.empty(), clock);
    }

    /**
     * Opens (or creates) the trail in a file, reading back what it holds.
     *
     * @throws IOException if the file cannot be opened or a line of it is not an audit event
     */
    public static AuditLog open(Path file, Clock clock) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AuditLog log = new AuditLog(Optional.of(file), Optional.of(FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)), clock);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                try {
                    log.remember(parse(line));
                } catch (IOException | RuntimeException e) {
                    log.close();
                    throw new IOException(file + ":" + n + ": not an audit event (" + e.getMessage() + ")", e);
                }
            }
        }
        return log;
    }

    private static AuditEvent parse(String line) throws JsonProcessingException {
        JsonNode n = JSON.readTree(line);
        Map<String, String> attrs = new TreeMap<>();
        n.path("attributes").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
        if (!n.path("sequence").canConvertToLong() || !n.hasNonNull("at") || !n.hasNonNull("actor") || !n.hasNonNull("action")) {
            throw new IllegalArgumentException("missing sequence, at, actor or action");
        }
        return new AuditEvent(n.get("sequence").asLong(), Instant.parse(n.get("at").asText()),
                n.get("actor").asText(), n.get("action").asText(), attrs);
    }

    private void remember(AuditEvent e) {
        if (e.sequence() != sequence + 1) {
            throw new IllegalArgumentException("sequence " + e.sequence() + " follows " + sequence);
        }
        sequence = e.sequence();
        recent.addLast(e);
        if (recent.size() > RETAINED) {
            recent.removeFirst();
        }
    }

    @Override
    public void record(String actor, String action, Map<String, String> attributes) {
        append(actor, action, attributes);
    }

    /**
     * Appends one event and returns it as recorded.
     *
     * @throws UncheckedIOException if the trail cannot be written; callers must not go on as if
     *                              the event had been recorded
     */
    public synchronized AuditEvent append(String actor, String action, Map<String, String> attributes) {
        AuditEvent e = new AuditEvent(sequence + 1, clock.instant(), actor, action, new TreeMap<>(attributes));
        if (channel.isPresent()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("sequence", e.sequence());
            o.put("at", e.at().toString());
            o.put("actor", e.actor());
            o.put("action", e.action());
            ObjectNode a = o.putObject("attributes");
            new TreeMap<>(e.attributes()).forEach(a::put);
            try {
                ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
                FileChannel ch = channel.get();
                while (line.hasRemaining()) {
                    ch.write(line);
                }
                ch.force(false);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot append to the audit log " + file.orElseThrow(), ex);
            }
        }
        remember(e);
        return e;
    }

    /** Where the trail is written, if it is durable. */
    public Optional<Path> file() {
        return file;
    }

    /** An {@link AuditEmitter} that records events with {@code plugin:NAME} as the actor. */
    public AuditEmitter emitterFor(String pluginName) {
        Objects.requireNonNull(pluginName, "pluginName");
        AuditEmitter raw = emitterAs("plugin:" + pluginName);
        return (action, attributes) -> {
            checkPluginEvent(pluginName, action, attributes);
            return raw.emit(action, attributes);
        };
    }

    private static final java.util.regex.Pattern PLUGIN_ACTION = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    // The AuditEmitter contract's bounds (api): a plugin's event cannot pass for the node's or swamp the trail.
    private static void checkPluginEvent(String plugin, String action, Map<String, String> attributes) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(attributes, "attributes");
        String prefix = "plugin '" + plugin + "' cannot emit audit event '" + printable(action) + "': ";
        if (!PLUGIN_ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException(prefix + "an action is 1 to 64 characters of [a-z0-9_.-], starting with a letter or digit");
        }
        for (String reserved : AuditEmitter.RESERVED_ACTION_PREFIXES) {
            if (action.startsWith(reserved)) {
                throw new IllegalArgumentException(prefix + "actions starting with '" + reserved + "' are the node's own");
            }
        }
        if (attributes.size() > AuditEmitter.MAX_ATTRIBUTES) {
            throw new IllegalArgumentException(prefix + attributes.size() + " attributes, at most " + AuditEmitter.MAX_ATTRIBUTES);
        }
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey() == null || a.getValue() == null) {
                throw new IllegalArgumentException(prefix + "attribute keys and values must not be null");
            }
            if (a.getKey().isEmpty() || a.getKey().length() > 64) {
                throw new IllegalArgumentException(prefix + "attribute key '" + printable(a.getKey()) + "' must be 1 to 64 characters");
            }
            if (a.getValue().length() > AuditEmitter.MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException(prefix + "attribute '" + printable(a.getKey()) + "' is " + a.getValue().length()
                        + " characters, at most " + AuditEmitter.MAX_VALUE_LENGTH);
            }
        }
    }

    // Hostile text in a message, escaped as PluginManifest and ArchiveReader escape theirs (control
    // and format characters, bidi overrides included), length capped. Those copies are module-private.
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
    }

    /** An emitter whose events carry {@code actor} as it is (the host's own: {@code host}). */
    public AuditEmitter emitterAs(String actor) {
        Objects.requireNonNull(actor, "actor");
        return (action, attributes) -> append(actor, Objects.requireNonNull(action, "action"),
                Objects.requireNonNull(attributes, "attributes"));
    }

    /** Read access to the retained events. */
    public AuditReader reader() {
        return new AuditReader() {
            @Override
            public List<AuditEvent> recent(int limit) {
                return select(null, limit);
            }

            @Override
            public List<AuditEvent> byAction(String action, int limit) {
                return select(Objects.requireNonNull(action, "action"), limit);
            }
        };
    }

    private synchronized List<AuditEvent> select(String action, int limit) {
        if (limit < 1 || limit > RETAINED) {
            throw new IllegalArgumentException("limit must be between 1 and " + RETAINED + ", was " + limit);
        }
        List<AuditEvent> out = new ArrayList<>();
        for (Iterator<AuditEvent> it = recent.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            AuditEvent e = it.next();
            if (action == null || action.equals(e.action())) {
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return List.copyOf(out);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isPresent()) {
            channel.get().close();
        }
    }
}
