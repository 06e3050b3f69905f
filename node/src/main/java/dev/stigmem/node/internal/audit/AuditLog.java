package dev.stigmem.node.internal.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.node.AuditFailedException;
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValueException;
import dev.stigmem.node.internal.untrusted.PluginValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's audit trail: append-only, one JSON object per line, each line written and forced to
 * disk before {@link #record} returns, so the effect an event records happens only once the event
 * is durable.
 *
 * <p><b>Writes.</b> Appends are serialised under the trail's lock and go through a
 * {@link TrailFile}, whose file I/O no caller's interrupt can close (a timed-out handler, a
 * cancelled request or shutdown interrupt callers; the trail goes on). Each line is written at the
 * end of the last durable line and forced; when the write or the force fails (a full disk), what was
 * written of the line is cut off again and forced, and {@link AuditFailedException} tells the caller
 * the event, and so the effect, was refused; the sequence number is not used, and the next write
 * may succeed. If even the cut fails the trail refuses every write until it can make the cut.
 *
 * <p><b>Open.</b> Reopening a trail reads it back, checks that every line is valid UTF-8, parses as
 * an event and continues the sequence without a gap, and continues that sequence. A <em>torn
 * tail</em> (bytes after the last newline: a partial line, a tear inside a UTF-8 character, a
 * complete event without its newline; or a tail of zero bytes) can only be an append that never
 * completed, whose effect therefore never happened: it is moved aside to
 * {@code FILE.torn-DATE} next to the trail, named by {@code FILE:LINE} in the log and in a
 * {@code node.audit_repaired} event, and the trail opens. Any other damage (a bad line followed by
 * more lines, a gap) stops the open with {@code FILE:LINE} and the reason: it is not what a crash
 * leaves, and cutting it off would cut recorded history. The operator may then ask for
 * {@code repairDamage}: the trail from the first bad line on is moved aside to
 * {@code FILE.damaged-DATE} and the open goes on, audited the same way.
 *
 * <p><b>Seal.</b> {@link #seal} records the node's last event ({@code node.stopped}); nothing is
 * written after it: later events (a plugin thread outliving its stop) are refused and logged.
 *
 * <p>The newest {@value #RETAINED} events are kept in memory for {@link AuditReader}; the file
 * holds all. Without a file (tests, {@code --data} not given) the trail is memory-only.
 *
 * <p>Thread-safe.
 */
public final class AuditLog implements AuditSink, AutoCloseable {

    /** Events kept in memory for readers. */
    public static final int RETAINED = 10_000;

    /** The longest line the trail writes or reads; a longer event is refused, a longer line is damage. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ASIDE_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Optional<Path> file;
    private final TrailFile out; // null: in memory
    private final Clock clock;
    private final Deque<AuditEvent> recent = new ArrayDeque<>();
    private long sequence;
    // Bytes of the file that hold complete, forced lines; every write starts here.
    private long durable;
    // Why the file may hold bytes past `durable` that could not be cut off (writes refused until they are), or null.
    private IOException uncut;
    // The action that sealed the trail (node.stopped), or null.
    private String sealedBy;
    private boolean closed;

    private AuditLog(Optional<Path> file, TrailFile out, Clock clock) {
        this.file = file;
        this.out = out;
        this.clock = clock;
    }

    /** A trail kept only in memory. */
    public static AuditLog inMemory(Clock clock) {
        return new AuditLog(Optional.empty(), null, clock);
    }

    /**
     * Opens (or creates) the trail in a file, reading back what it holds; a torn tail is moved
     * aside and reported, other damage stops the open.
     *
     * @throws IOException if the file cannot be opened or locked, or holds damage other than a torn tail
     */
    public static AuditLog open(Path file, Clock clock) throws IOException {
        return open(file, clock, false, TrailFile::open);
    }

    /**
     * Like {@link #open(Path, Clock)}; with {@code repairDamage} (the operator's explicit
     * {@code --repair-audit}), damage other than a torn tail is moved aside too, from its first bad
     * line to the end, and the trail opens.
     */
    public static AuditLog open(Path file, Clock clock, boolean repairDamage) throws IOException {
        return open(file, clock, repairDamage, TrailFile::open);
    }

    /** Like {@link #open(Path, Clock, boolean)}, writing through the file {@code opener} gives (tests: a full disk). */
    public static AuditLog open(Path file, Clock clock, boolean repairDamage, TrailFile.Opener opener) throws IOException {
        return open(file, clock, repairDamage, opener, e -> { });
    }

    /**
     * Like {@link #open(Path, Clock, boolean, TrailFile.Opener)}; {@code replayed} is told of every
     * complete event read back from the file, oldest first, before the trail opens (the node learns
     * from it which fact ids earlier runs gave out).
     */
    public static AuditLog open(Path file, Clock clock, boolean repairDamage, TrailFile.Opener opener,
                                java.util.function.Consumer<AuditEvent> replayed) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(replayed, "replayed");
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        TrailFile out = opener.open(file);
        try {
            AuditLog log = new AuditLog(Optional.of(file), out, clock);
            TrailReader.Result read = TrailReader.read(file, e -> {
                log.remember(e);
                replayed.accept(e);
            });
            log.durable = read.goodLength();
            if (read.damage().isPresent()) {
                TrailReader.Damage d = read.damage().get();
                if (!d.tornTail() && !repairDamage) {
                    // One message for both trails: stigmem node and the install commands all take --repair-audit.
                    throw new IOException(file + ":" + d.line() + ": " + d.reason() + "; nothing is written to a damaged trail."
                            + " Lines " + d.line() + " to the end (" + (read.length() - d.offset()) + " bytes) can be moved aside to a"
                            + " dated file next to the trail by running the same command again with --repair-audit"
                            + " (stigmem node, install, rollback and uninstall; StigmemNode.Builder.repairAuditTrail)");
                }
                log.moveAside(file, parent, d, read.length(), repairDamage && !d.tornTail());
            } else if (out.size() != read.goodLength()) {
                // Read and size disagree: someone else writes the file (the lock should prevent it).
                throw new IOException("the audit trail " + file + " changed while it was being opened");
            }
            return log;
        } catch (IOException | RuntimeException | Error e) {
            try {
                out.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Moves the bytes from the damage on to a dated file next to the trail, cuts the trail there, and audits it. */
    private void moveAside(Path file, Path parent, TrailReader.Damage d, long length, boolean byOperator) throws IOException {
        String kind = d.tornTail() ? "torn" : "damaged";
        Path aside = null;
        String base = file.getFileName() + "." + kind + "-" + ASIDE_DATE.format(clock.instant());
        for (int i = 1; i <= 100 && aside == null; i++) {
            Path candidate = parent.resolve(i == 1 ? base : base + "-" + i);
            if (!Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                aside = candidate;
            }
        }
        if (aside == null) {
            throw new IOException("cannot move the " + kind + " end of " + file + " aside: " + base + " and 99 more names are taken");
        }
        // Saved and forced before the trail is cut: a crash in between leaves the bytes in both places, never in none.
        try (InputStream in = Files.newInputStream(file);
             java.io.OutputStream copy = Files.newOutputStream(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.skipNBytes(d.offset());
            long left = length - d.offset();
            byte[] buffer = new byte[1 << 16];
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                copy.write(buffer, 0, n);
                left -= n;
            }
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(aside.toFile(), "rw")) {
            f.getFD().sync();
        }
        out.truncate(d.offset());
        out.force();
        durable = d.offset();
        String mode = d.tornTail() ? "automatic" : "operator";
        LOG.warn("audit trail {}:{}: {}; moved {} bytes aside to {} ({} repair), the trail goes on from sequence {}", file, d.line(),
                d.reason(), length - d.offset(), aside, mode, sequence + 1);
        TreeMap<String, String> attrs = new TreeMap<>();
        attrs.put("file", file.toString());
        attrs.put("line", Integer.toString(d.line()));
        attrs.put("reason", d.reason());
        attrs.put("bytes", Long.toString(length - d.offset()));
        attrs.put("moved_to", aside.toString());
        attrs.put("repair", byOperator ? "operator" : mode);
        write("node", "node.audit_repaired", attrs);
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

    /**
     * @throws AuditFailedException  if the event cannot be made durable (the effect must not happen)
     * @throws IllegalStateException if the trail is closed or sealed
     */
    @Override
    public void record(String actor, String action, Map<String, String> attributes) {
        append(actor, action, attributes);
    }

    /**
     * Appends one event and returns it as recorded. The attributes are copied (and checked to be
     * strings) before the trail's lock is taken.
     *
     * @throws AuditFailedException  if the trail cannot be written; callers must not go on as if
     *                               the event had been recorded
     * @throws IllegalStateException if the trail is closed or sealed
     */
    public AuditEvent append(String actor, String action, Map<String, String> attributes) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        return write(actor, action, new TreeMap<>(PluginValues.stringMap(attributes, Integer.MAX_VALUE, "attributes")));
    }

    /**
     * Records the trail's last event (the node's {@code node.stopped}) and seals the trail: every
     * later write is refused with {@link IllegalStateException} and logged. Sealed even when this
     * last event cannot be written (which then throws, like any write).
     */
    public AuditEvent seal(String actor, String action, Map<String, String> attributes) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        TreeMap<String, String> copy = new TreeMap<>(PluginValues.stringMap(attributes, Integer.MAX_VALUE, "attributes"));
        synchronized (this) {
            try {
                return write(actor, action, copy);
            } finally {
                if (sealedBy == null) {
                    sealedBy = action;
                }
            }
        }
    }

    /**
     * Writes an event whose attributes are already the node's own copy. Under the lock nothing but
     * the node's code runs on the node's values (strings): no plugin code can hold the trail, write
     * into it re-entrantly or change an event between its check and its write.
     */
    private synchronized AuditEvent write(String actor, String action, TreeMap<String, String> attributes) {
        if (closed || sealedBy != null) {
            String why = closed ? "closed" : "sealed by " + sealedBy;
            LOG.warn("audit event '{}' of '{}' refused: the trail is {}", PluginText.bounded(action, PluginText.NAME_LIMIT),
                    PluginText.bounded(actor, PluginText.NAME_LIMIT), why);
            throw new IllegalStateException("the audit trail is " + why + ": the node has stopped, nothing more is recorded");
        }
        AuditEvent e = new AuditEvent(sequence + 1, clock.instant(), actor, action, attributes);
        if (out != null) {
            byte[] line = line(e, attributes);
            Path where = file.orElseThrow();
            if (line.length > MAX_LINE_BYTES) {
                throw new AuditFailedException("audit event '" + action + "' is " + line.length + " bytes, more than the trail's "
                        + MAX_LINE_BYTES + "; it and the effect it records are refused",
                        new IOException("event too large"));
            }
            try {
                if (uncut != null) {
                    cut(); // an earlier failed write left bytes past the last durable line
                }
                out.write(durable, line);
                out.force();
            } catch (IOException | RuntimeException | Error failure) {
                IOException io = failure instanceof IOException x ? x : new IOException(failure.toString(), failure);
                try {
                    cut();
                } catch (IOException | RuntimeException | Error notCut) {
                    uncut = notCut instanceof IOException x ? x : new IOException(notCut.toString(), notCut);
                    failure.addSuppressed(notCut);
                }
                if (failure instanceof Error err) {
                    // The JVM's error in the node's own code (out of memory mid-write): cut back, and
                    // passed on as it is, so the node stops on it (StigmemNode) rather than going on.
                    throw err;
                }
                String text = String.format(Locale.ROOT, "cannot write audit event %d '%s' to %s (%s): it, and the effect it records, "
                        + "were refused%s", e.sequence(), action, where, io.getMessage(), uncut == null
                        ? "; the trail still ends with event " + sequence
                        : "; the trail refuses every write until its end can be cut back to event " + sequence);
                LOG.error(text);
                throw new AuditFailedException(text, io);
            }
            durable += line.length;
        }
        remember(e);
        return e;
    }

    /** Cuts the file back to its last durable line and forces that. */
    private void cut() throws IOException {
        out.truncate(durable);
        out.force();
        long size = out.size();
        if (size != durable) {
            throw new IOException("the trail is " + size + " bytes after cutting it to " + durable);
        }
        uncut = null;
    }

    /** The event as one JSON line, attributes sorted by key. */
    private static byte[] line(AuditEvent e, TreeMap<String, String> attributes) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sequence", e.sequence());
        o.put("at", e.at().toString());
        o.put("actor", e.actor());
        o.put("action", e.action());
        ObjectNode a = o.putObject("attributes");
        attributes.forEach(a::put);
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("cannot render audit event " + e.sequence(), x);
        }
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

    /** Closes the file; later writes are refused. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (out != null) {
            out.close();
        }
    }
}
