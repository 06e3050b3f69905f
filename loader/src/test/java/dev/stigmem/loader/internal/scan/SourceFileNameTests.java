package dev.stigmem.loader.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The check of a class file's {@code SourceFile} attribute ({@link ClassScan#plainFileName}), a loop that
 * replaced a regular expression: it must accept exactly what the expression matched, since the name
 * becomes part of a path in reports.
 */
class SourceFileNameTests {

    /** The expression the loop replaced. */
    private static final Pattern BEFORE = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.-]{0,254}");

    @Test
    void plainNamesPass() {
        for (String name : List.of("Foo.java", "a", "$Proxy.kt", "_x-1.2.groovy", "Z9", "9")) {
            assertThat(ClassScan.plainFileName(name)).as(name).isTrue();
        }
        assertThat(ClassScan.plainFileName("a".repeat(255))).isTrue();
    }

    @Test
    void pathsAndOddNamesAreRefused() {
        for (String name : List.of("", "../x.java", "a/b.java", "a\\b.java", ".hidden", "-x", "a b", "a\nb", "é.java",
                "a:b", "\uD83D\uDE00.java", "a\u0000")) {
            assertThat(ClassScan.plainFileName(name)).as(name).isFalse();
        }
        assertThat(ClassScan.plainFileName("a".repeat(256))).isFalse();
    }

    /** Every one- and two-character string over a set of probes, and longer ones around the length bound. */
    @Test
    void acceptsExactlyWhatTheExpressionMatched() {
        List<String> probes = new ArrayList<>();
        String alphabet = "Aa0Zz9_$.-/\\ :\n\u0000\u00e9\u017f\u212a\uD83D\uDE00@[`{";
        for (int i = 0; i < alphabet.length(); i++) {
            probes.add(alphabet.substring(i, i + 1));
            for (int j = 0; j < alphabet.length(); j++) {
                probes.add("" + alphabet.charAt(i) + alphabet.charAt(j));
                probes.add("x" + alphabet.charAt(i) + "y" + alphabet.charAt(j));
            }
        }
        for (int n = 253; n <= 257; n++) {
            probes.add("b".repeat(n));
            probes.add("." + "b".repeat(n - 1));
            probes.add("b".repeat(n - 1) + ".");
        }
        for (String p : probes) {
            assertThat(ClassScan.plainFileName(p)).as("%s", p).isEqualTo(BEFORE.matcher(p).matches());
        }
    }
}
