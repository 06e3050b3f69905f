package dev.stigmem.loader.internal.trust;

import java.util.Locale;

/**
 * Text from an archive (jar and entry names, certificate subjects, the JDK's messages quoting
 * them) made safe to show: control characters and line separators become escapes such as <code>&#92;u000a</code>,
 * so a name cannot forge a line of a log, a report or an audit record.
 */
public final class EscapedText {

    private EscapedText() {
    }

    /** {@code text} with every ISO control character and U+2028/U+2029 escaped; unchanged when it has none. */
    public static String of(String text) {
        if (text.chars().noneMatch(EscapedText::unsafe)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            if (unsafe(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.append((char) c);
            }
        });
        return b.toString();
    }

    private static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029;
    }
}
