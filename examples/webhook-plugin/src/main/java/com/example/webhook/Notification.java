package com.example.webhook;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.hook.FactEvent;

import java.nio.charset.StandardCharsets;

/**
 * The JSON body of one webhook notification, bounded to {@value #MAX_BODY_BYTES} bytes.
 *
 * <pre>{@code
 * {"event":"fact.asserted","principal":"alice",
 *  "fact":{"id":"f-00000001","subject":"alice","predicate":"likes","object":"tea",
 *          "tenant":"default","source":"alice","assertedAt":"2026-01-01T00:00:00Z"},
 *  "truncated":false}
 * }</pre>
 *
 * <p>Every field but the object is cut to {@value #MAX_FIELD_CHARS} characters; the object is cut
 * to as many whole code points as still fit. Even fully escaped, the other fields stay far below
 * the bound, so the object can always be cut to fit. {@code truncated} says whether anything was cut. Fact
 * attributes are not sent: they may hold data the receiver has no business seeing.
 */
final class Notification {

    /** Upper bound on a notification body in bytes (UTF-8). */
    static final int MAX_BODY_BYTES = 16_384;

    /** Upper bound on every field but the object, in chars. */
    static final int MAX_FIELD_CHARS = 256;

    /** The event name sent in the body and the {@code X-Stigmem-Event} header. */
    static final String EVENT = "fact.asserted";

    private Notification() {
    }

    /** The notification of this event as UTF-8 JSON, at most {@link #MAX_BODY_BYTES} bytes. */
    static byte[] json(FactEvent event) {
        Fact fact = event.fact();
        String[] fields = {event.principal(), fact.id(), fact.subject(), fact.predicate(), fact.tenant(), fact.source(),
                fact.assertedAt().toString()};
        boolean truncated = false;
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].length() > MAX_FIELD_CHARS) {
                fields[i] = cut(fields[i], MAX_FIELD_CHARS);
                truncated = true;
            }
        }
        byte[] body = render(fields, fact.object(), truncated);
        if (body.length <= MAX_BODY_BYTES) {
            return body;
        }
        // Cut the object to the bytes left once everything else is in; the field caps leave plenty.
        int budget = MAX_BODY_BYTES - render(fields, "", true).length;
        String object = fact.object();
        return render(fields, object.substring(0, prefixFitting(object, budget)), true);
    }

    /** How many chars of {@code s} fit in {@code budget} bytes once escaped and encoded, whole code points only. */
    private static int prefixFitting(String s, int budget) {
        int used = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int cost = encodedLength(cp);
            if (used + cost > budget) {
                break;
            }
            used += cost;
            i += Character.charCount(cp);
        }
        return i;
    }

    /** Bytes one code point takes in the body: its JSON escape, or its UTF-8 encoding (a lone surrogate becomes '?'). */
    private static int encodedLength(int cp) {
        if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t') {
            return 2;
        }
        if (cp < 0x20) {
            return 6;
        }
        if (cp < 0x80 || cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
            return 1;
        }
        return cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    private static byte[] render(String[] f, String object, boolean truncated) {
        StringBuilder json = new StringBuilder(256 + object.length());
        json.append("{\"event\":\"").append(EVENT).append('"');
        json.append(",\"principal\":");
        string(json, f[0]);
        json.append(",\"fact\":{\"id\":");
        string(json, f[1]);
        json.append(",\"subject\":");
        string(json, f[2]);
        json.append(",\"predicate\":");
        string(json, f[3]);
        json.append(",\"object\":");
        string(json, object);
        json.append(",\"tenant\":");
        string(json, f[4]);
        json.append(",\"source\":");
        string(json, f[5]);
        json.append(",\"assertedAt\":");
        string(json, f[6]);
        json.append("},\"truncated\":").append(truncated).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends a JSON string literal (RFC 8259 escaping). */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The first {@code chars} chars of {@code s}, never splitting a surrogate pair. */
    private static String cut(String s, int chars) {
        int end = Math.min(chars, s.length());
        if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
