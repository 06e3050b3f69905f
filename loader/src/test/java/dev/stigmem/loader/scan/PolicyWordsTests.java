package dev.stigmem.loader.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy parser's word split is the regex split it replaced, for every line it can be given. */
class PolicyWordsTests {

    private static final List<String> LINES = List.of(
            "deny-class java.lang.Runtime",
            "@rule vm.exit Calls that end the JVM @ with  two  spaces",
            "deny-member\tjava.lang.System#exit",
            "allow-package \u000B\f java/util/**",
            "review-member   java.lang.Thread#start   x   y",
            "one",
            "a\u2003b c",
            "a\u00A0b\u0085c d",
            "@rule",
            "@rule id",
            "@rule id reason with\ttabs\tinside");

    @Test
    void wordsAreTheRegexSplitOfAStrippedLine() {
        for (String line : LINES) {
            String stripped = line.strip();
            assertThat(ScanPolicy.words(stripped, 0)).as(stripped).containsExactly(stripped.split("\\s+"));
            assertThat(ScanPolicy.words(stripped, 3)).as(stripped).containsExactly(stripped.split("\\s+", 3));
        }
    }

    @Test
    void aPolicyWithWindowsLineEndsReadsAsOneWithUnixOnes() {
        String unix = "@rule ops.x Reason one\ndeny-class java.lang.Runtime\n\n# c\nreview-member java.lang.Thread#start @ why\n";
        List<PolicyRule> a = ScanPolicy.shipped().withOperatorPolicy("a.policy", unix).rules();
        List<PolicyRule> b = ScanPolicy.shipped().withOperatorPolicy("a.policy", unix.replace("\n", "\r\n")).rules();
        assertThat(b).isEqualTo(a);
        // A stray \r inside a line is white space as before: a separator between words.
        List<PolicyRule> c = ScanPolicy.shipped().withOperatorPolicy("a.policy",
                "@rule ops.x Reason one\ndeny-class\rjava.lang.Runtime\n").rules();
        assertThat(c.get(c.size() - 1).owner()).isEqualTo(a.get(a.size() - 2).owner());
    }
}
