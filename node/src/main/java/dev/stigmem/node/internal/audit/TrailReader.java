package dev.stigmem.node.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stigmem.api.core.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads a trail file back, line by line within {@link AuditLog#MAX_LINE_BYTES}, handing each event
 * to the trail, and finds where it stops being a trail: the first line that is not valid UTF-8, not
 * an event, or does not continue the sequence, or a torn tail. Streams the file; holds one line.
 */
final class TrailReader {
    // A line is one event: trailing tokens (an event glued onto another) are damage, not ignored.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Where the trail stops being one.
     *
     * @param offset   the byte offset of the first bad line
     * @param line     its line number (1-based)
     * @param reason   what is wrong, in words
     * @param tornTail whether it is a torn tail: bytes after the last newline (a write that did not
     *                 complete), or a tail of zero bytes and newlines (space a crash allocated)
     */
    record Damage(long offset, int line, String reason, boolean tornTail) {
    }

    /**
     * @param goodLength bytes of complete, valid lines from the start
     * @param length     the file's length as read
     */
    record Result(long goodLength, long length, Optional<Damage> damage) {
    }

    private static final String ZEROS = "the end of the trail is zero bytes or empty lines (space a crash allocated, never written)";

    private TrailReader() {
    }

    /**
     * @param events receives each valid event in order; throws {@link IllegalArgumentException}
     *               when the event does not continue the sequence
     */
    static Result read(Path file, Consumer<AuditEvent> events) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean overlong = false;
            long offset = 0; // bytes consumed
            long lineStart = 0;
            int lineNo = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    int len = i - from;
                    if (!overlong && line.size() + len > AuditLog.MAX_LINE_BYTES) {
                        overlong = true;
                    }
                    if (!overlong) {
                        line.write(buffer, from, len);
                    }
                    offset += i + 1 - from;
                    from = i + 1;
                    lineNo++;
                    Optional<String> bad = overlong
                            ? Optional.of(String.format(Locale.ROOT, "a line longer than %d bytes", AuditLog.MAX_LINE_BYTES))
                            : check(line.toByteArray(), events);
                    if (bad.isPresent()) {
                        boolean zeros = onlyZerosAndNewlines(line.toByteArray(), overlong) && restIsZeros(in, buffer, i + 1, n);
                        long length = Files.size(file);
                        return new Result(lineStart, length, Optional.of(new Damage(lineStart, lineNo,
                                zeros ? ZEROS : bad.get(), zeros)));
                    }
                    line.reset();
                    overlong = false;
                    lineStart = offset;
                }
                int tail = n - from;
                if (!overlong && line.size() + tail > AuditLog.MAX_LINE_BYTES) {
                    overlong = true;
                    line.reset();
                }
                if (!overlong) {
                    line.write(buffer, from, tail);
                }
                offset += tail;
            }
            if (offset == lineStart) {
                return new Result(lineStart, offset, Optional.empty());
            }
            return new Result(lineStart, offset, Optional.of(new Damage(lineStart, lineNo + 1,
                    tornReason(line.toByteArray(), overlong, offset - lineStart), true)));
        }
    }

    /** Why the bytes after the last newline are a torn tail, in words. */
    private static String tornReason(byte[] bytes, boolean overlong, long length) {
        if (overlong) {
            return String.format(Locale.ROOT, "the last line is %d bytes without a newline (its write did not complete)", length);
        }
        if (onlyZerosAndNewlines(bytes, false)) {
            return ZEROS;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, chars, false);
        if (r.isError()) {
            return String.format(Locale.ROOT, "the last line is not valid UTF-8 at byte %d and has no newline (its write did not complete)",
                    in.position() + 1);
        }
        if (in.hasRemaining()) {
            // Underflow with bytes left: a UTF-8 sequence that starts but does not end.
            return String.format(Locale.ROOT, "the last line ends inside a UTF-8 character (%d of its bytes), without a newline "
                    + "(its write did not complete)", in.remaining());
        }
        chars.flip();
        try {
            AuditEvent e = parse(chars.toString());
            return String.format(Locale.ROOT, "the last line (event %d) has no newline (its write did not complete, so its effect "
                    + "did not happen)", e.sequence());
        } catch (IOException | RuntimeException partial) {
            return "the last line is partial, without a newline (its write did not complete)";
        }
    }

    /** Decodes, parses and hands on a complete line; what is wrong with it, if anything. */
    private static Optional<String> check(byte[] bytes, Consumer<AuditEvent> events) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Optional.of("not valid UTF-8 (" + firstBadByte(bytes) + ")");
        }
        AuditEvent e;
        try {
            e = parse(text);
        } catch (IOException | RuntimeException x) {
            return Optional.of("not an audit event (" + words(x) + ")");
        }
        try {
            events.accept(e);
        } catch (IllegalArgumentException x) {
            return Optional.of("not an audit event (" + x.getMessage() + ")");
        }
        return Optional.empty();
    }

    private static String firstBadByte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult r = decoder.decode(in, CharBuffer.allocate(bytes.length), true);
        return "at byte " + (in.position() + 1) + " of the line" + (r.isError() ? "" : ", a character cut short");
    }

    /** A parse failure in words: the parser's message, first line, without the exception's class. */
    private static String words(Exception x) {
        String m = String.valueOf(x.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static AuditEvent parse(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, String> attrs = new TreeMap<>();
        n.path("attributes").fields().forEachRemaining(e -> attrs.put(e.getKey(), e.getValue().asText()));
        if (!n.path("sequence").canConvertToLong() || !n.hasNonNull("at") || !n.hasNonNull("actor") || !n.hasNonNull("action")) {
            throw new IllegalArgumentException("missing sequence, at, actor or action");
        }
        return new AuditEvent(n.get("sequence").asLong(), Instant.parse(n.get("at").asText()),
                n.get("actor").asText(), n.get("action").asText(), attrs);
    }

    private static boolean onlyZerosAndNewlines(byte[] bytes, boolean overlong) {
        if (overlong) {
            return false;
        }
        for (byte b : bytes) {
            if (b != 0 && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Whether the rest of the buffer and of the stream are zero bytes and newlines. */
    private static boolean restIsZeros(InputStream in, byte[] buffer, int from, int n) throws IOException {
        for (int i = from; i < n; i++) {
            if (buffer[i] != 0 && buffer[i] != '\n') {
                return false;
            }
        }
        int m;
        while ((m = in.read(buffer)) > 0) {
            for (int i = 0; i < m; i++) {
                if (buffer[i] != 0 && buffer[i] != '\n') {
                    return false;
                }
            }
        }
        return true;
    }
}
