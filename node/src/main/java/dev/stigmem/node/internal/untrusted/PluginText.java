package dev.stigmem.node.internal.untrusted;

import java.util.Locale;

/**
 * Text from plugins (deny reasons, exception messages, names and values a plugin chose) made safe
 * to print or record: bounded, and escaped so that it cannot forge a console or log line, move the
 * terminal's cursor or reorder what an operator reads. The node's one implementation; everything
 * that shows or audits plugin text goes through it.
 *
 * <p>Escaped, as <code>&#92;uXXXX</code> (a supplementary code point as its two surrogates): every
 * control character (C0, DEL and C1, so ESC, CR, LF, CSI), format character (bidi embeddings,
 * overrides and isolates, zero-width characters), the line and paragraph separators U+2028 and
 * U+2029, and unpaired surrogates. Everything else is kept. Backslashes are not escaped, as in the
 * loader's and the manifest's escaping, so the same name reads the same in every report; escaping
 * is idempotent (escaped text passes unchanged).
 *
 * <p>Bounded: the result holds at most {@code limit} characters of escaped text; if the text was
 * cut, a marker naming the original length in chars follows ({@code ...[truncated, 5242880 chars]}).
 * The work done is proportional to the limit, not to the text.
 */
public final class PluginText {

    /** Limit for deny reasons and failure texts (what a plugin said or threw). */
    public static final int LIMIT = 1_000;

    /** Limit for plugin-chosen names quoted inside a longer message (actions, keys, class names). */
    public static final int NAME_LIMIT = 80;

    private PluginText() {
    }

    /** {@code text} escaped and cut at {@link #LIMIT}; {@code "null"} for {@code null}. */
    public static String bounded(String text) {
        return bounded(text, LIMIT);
    }

    /** {@code text} escaped and cut at {@code limit} characters; {@code "null"} for {@code null}. */
    public static String bounded(String text, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        if (text == null) {
            return "null";
        }
        int n = text.length();
        StringBuilder b = new StringBuilder(Math.min(n, limit) + 32);
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            if (unsafe(cp)) {
                String escape = escape(cp);
                if (b.length() + escape.length() > limit) {
                    break;
                }
                b.append(escape);
            } else {
                if (b.length() + width > limit) {
                    break;
                }
                b.append(text, i, i + width);
            }
            i += width;
        }
        if (i < n) {
            b.append("...[truncated, ").append(n).append(" chars]");
        }
        return b.toString();
    }

    /**
     * A throwable as bounded text: its class name and message, as {@code Throwable#toString} would
     * put them, but read without {@code toString} or {@code getLocalizedMessage} and cut at
     * {@link #LIMIT}.
     *
     * <p>This calls {@code getMessage()}, which a plugin's exception class may override: call it
     * only on the thread and within the time limit of the plugin call that threw (the node renders
     * a handler's exception inside the handler's timed call, and keeps only the text).
     */
    public static String thrown(Throwable t) {
        String name = t.getClass().getName();
        String message;
        try {
            message = t.getMessage();
        } catch (Throwable unreadable) {
            // Not the plugin's exception's message either: only the class of what getMessage threw.
            message = "(its message could not be read: getMessage threw " + unreadable.getClass().getName() + ")";
        }
        return bounded(message == null ? name : name + ": " + message, LIMIT);
    }

    private static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }

    private static String escape(int cp) {
        if (Character.isBmpCodePoint(cp)) {
            return String.format(Locale.ROOT, "\\u%04x", cp);
        }
        return String.format(Locale.ROOT, "\\u%04x\\u%04x", (int) Character.highSurrogate(cp), (int) Character.lowSurrogate(cp));
    }
}
