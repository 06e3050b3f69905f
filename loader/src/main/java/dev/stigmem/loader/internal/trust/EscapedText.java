package dev.stigmem.loader.internal.trust;

import java.util.Locale;

/**
 * Text from an archive (jar and entry names, class and member names read from class files,
 * certificate subjects, the JDK's messages quoting them) and file names of the operator's
 * directories, made safe to show: the loader's one implementation of escaping.
 *
 * <p>Escaped, as <code>&#92;uXXXX</code>: every control character (C0, DEL and C1, so ESC, CR, LF,
 * CSI), format character (bidi embeddings, overrides and isolates, zero-width characters), the
 * line and paragraph separators U+2028 and U+2029, and unpaired surrogates; so a name can neither
 * forge a line of a log, a report or an audit record, nor move the terminal's cursor or reorder
 * what an operator reads. Everything else is kept; backslashes are not escaped (as in the node's
 * and the manifest's escaping, so the same name reads the same in every report). Escaping is
 * idempotent: escaped text passes unchanged.
 */
public final class EscapedText {

    private EscapedText() {
    }

    /** {@code text} with every unsafe character escaped; the same string when it has none. */
    public static String of(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return escape(text, Integer.MAX_VALUE);
            }
        }
        return text;
    }

    /**
     * {@code text} escaped and cut after {@code maxCodePoints} code points of the original, with
     * {@code ...} appended when it was cut; for names quoted inside a longer message. The work is
     * proportional to the bound, not to the text.
     */
    public static String bounded(String text, int maxCodePoints) {
        if (maxCodePoints < 1) {
            throw new IllegalArgumentException("bound must be positive, was " + maxCodePoints);
        }
        return escape(text, maxCodePoints);
    }

    private static String escape(String text, int maxCodePoints) {
        int n = text.length();
        StringBuilder b = new StringBuilder(Math.min(n, 1024) + 16);
        int i = 0;
        int count = 0;
        while (i < n && count < maxCodePoints) {
            int cp = text.codePointAt(i);
            if (unsafe(cp)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
            count++;
        }
        if (i < n) {
            b.append("...");
        }
        return b.toString();
    }

    private static boolean unsafe(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
