package dev.stigmem.node.internal.untrusted;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluginTextTests {

    @Test
    void plainTextPassesUnchanged() {
        assertThat(PluginText.bounded("tenant 'eu-1' is unknown: ÄÖÜ 日本 😀 C:\\path")).isEqualTo("tenant 'eu-1' is unknown: ÄÖÜ 日本 😀 C:\\path");
        assertThat(PluginText.bounded(null)).isEqualTo("null");
    }

    @Test
    void controlFormatAndSeparatorCharactersAreEscaped() {
        String hostile = "a\nb\rc\u001b[2Jd\u0007e\u007ff\u009bg\u0085h\u2028i\u2029j\u202ek\u2066l\u200bm\ufeffn\t";
        assertThat(PluginText.bounded(hostile)).isEqualTo(
                "a\\u000ab\\u000dc\\u001b[2Jd\\u0007e\\u007ff\\u009bg\\u0085h\\u2028i\\u2029j\\u202ek\\u2066l\\u200bm\\ufeffn\\u0009");
    }

    @Test
    void supplementaryFormatCharactersAndUnpairedSurrogatesAreEscapedAsSurrogates() {
        // U+E0001 LANGUAGE TAG is a format character outside the BMP.
        assertThat(PluginText.bounded("x" + new String(Character.toChars(0xE0001)) + "y\ud800z\udc00"))
                .isEqualTo("x\\udb40\\udc01y\\ud800z\\udc00");
    }

    @Test
    void escapingIsIdempotent() {
        String once = PluginText.bounded("a\u001bb\nc");
        assertThat(PluginText.bounded(once)).isEqualTo(once);
    }

    @Test
    void longTextIsCutAtTheLimitWithAMarkerNamingTheOriginalLength() {
        String cut = PluginText.bounded("y".repeat(5_000_000));
        assertThat(cut).isEqualTo("y".repeat(PluginText.LIMIT) + "...[truncated, 5000000 chars]");
        // An escape is never split: the limit counts the escaped text.
        assertThat(PluginText.bounded("abc\n", 8)).isEqualTo("abc...[truncated, 4 chars]");
        assertThat(PluginText.bounded("abc\n", 9)).isEqualTo("abc\\u000a");
        // A surrogate pair is never split either.
        assertThat(PluginText.bounded("ab😀", 3)).isEqualTo("ab...[truncated, 4 chars]");
    }

    @Test
    void aThrowableIsItsClassAndMessageReadWithoutToString() {
        Throwable t = new IllegalStateException("boom\nforged") {
            @Override
            public String toString() {
                throw new AssertionError("toString must not be called");
            }

            @Override
            public String getLocalizedMessage() {
                throw new AssertionError("getLocalizedMessage must not be called");
            }
        };
        assertThat(PluginText.thrown(t)).isEqualTo(t.getClass().getName() + ": boom\\u000aforged");
        assertThat(PluginText.thrown(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    }

    @Test
    void aThrowableWhoseMessageThrowsIsNamedByTheClassOfWhatItThrew() {
        Throwable t = new RuntimeException() {
            @Override
            public String getMessage() {
                throw new UnsupportedOperationException("not this either");
            }
        };
        assertThat(PluginText.thrown(t)).isEqualTo(t.getClass().getName()
                + ": (its message could not be read: getMessage threw java.lang.UnsupportedOperationException)");
    }
}
