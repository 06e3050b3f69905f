package dev.stigmem.node.internal.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValueException;
import dev.stigmem.node.internal.untrusted.PluginValues;
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
     * Appends one event and returns it as recorded. The attributes are copied (and checked to be
     * strings) before the trail's lock is taken.
     *
     * @throws UncheckedIOException if the trail cannot be written; callers must not go on as if
     *                              the event had been recorded
     */
    public AuditEvent append(String actor, String action, Map<String, String> attributes) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        return write(actor, action, new TreeMap<>(PluginValues.stringMap(attributes, Integer.MAX_VALUE, "attributes")));
    }

    /**
     * Writes an event whose attributes are already the node's own copy. Under the lock nothing but
     * the node's code runs on the node's values (strings): no plugin code can hold the trail, write
     * into it re-entrantly or change an event between its check and its write.
     */
    private synchronized AuditEvent write(String actor, String action, TreeMap<String, String> attributes) {
        AuditEvent e = new AuditEvent(sequence + 1, clock.instant(), actor, action, attributes);
        if (channel.isPresent()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("sequence", e.sequence());
            o.put("at", e.at().toString());
            o.put("actor", e.actor());
            o.put("action", e.action());
            ObjectNode a = o.putObject("attributes");
            attributes.forEach(a::put);
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

    /**
     * An {@link AuditEmitter} that records events with {@code plugin:NAME} as the actor. It reads
     * the plugin's attribute map once, on the plugin's thread, into a copy of at most
     * {@link AuditEmitter#MAX_ATTRIBUTES} entries (reading stops after one more); the bounds are
     * checked on that copy, and that copy is what is written.
     */
    public AuditEmitter emitterFor(String pluginName) {
        Objects.requireNonNull(pluginName, "pluginName");
        String actor = "plugin:" + pluginName;
        return (action, attributes) -> {
            Objects.requireNonNull(action, "action");
            String prefix = "plugin '" + pluginName + "' cannot emit audit event '" + PluginText.bounded(action, PluginText.NAME_LIMIT) + "': ";
            Map<String, String> copy;
            try {
                copy = PluginValues.stringMap(attributes, AuditEmitter.MAX_ATTRIBUTES, "attributes");
            } catch (PluginValueException refused) {
                throw new IllegalArgumentException(prefix + refused.getMessage());
            }
            checkPluginEvent(prefix, action, copy);
            return write(actor, action, new TreeMap<>(copy));
        };
    }

    private static final java.util.regex.Pattern PLUGIN_ACTION = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    // The AuditEmitter contract's bounds (api): a plugin's event cannot pass for the node's or swamp the trail.
    private static void checkPluginEvent(String prefix, String action, Map<String, String> attributes) {
        if (!PLUGIN_ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException(prefix + "an action is 1 to 64 characters of [a-z0-9_.-], starting with a letter or digit");
        }
        for (String reserved : AuditEmitter.RESERVED_ACTION_PREFIXES) {
            if (action.startsWith(reserved)) {
                throw new IllegalArgumentException(prefix + "actions starting with '" + reserved + "' are the node's own");
            }
        }
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey().isEmpty() || a.getKey().length() > 64) {
                throw new IllegalArgumentException(prefix + "attribute key '" + PluginText.bounded(a.getKey(), PluginText.NAME_LIMIT)
                        + "' must be 1 to 64 characters");
            }
            if (a.getValue().length() > AuditEmitter.MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException(prefix + "attribute '" + PluginText.bounded(a.getKey(), PluginText.NAME_LIMIT) + "' is "
                        + a.getValue().length() + " characters, at most " + AuditEmitter.MAX_VALUE_LENGTH);
            }
        }
    }

    /** An emitter whose events carry {@code actor} as it is (the host's own: {@code host}). */
    public AuditEmitter emitterAs(String actor) {
        Objects.requireNonNull(actor, "actor");
        return (action, attributes) -> append(actor, Objects.requireNonNull(action, "action"), attributes);
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
