package dev.stigmem.loader.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The policy parser's name checks are the regular expressions they replaced, for every string tried. */
class PolicyNamesTests {

    private static final Pattern IDENT = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");
    private static final Pattern MEMBER = Pattern.compile("(<init>|<clinit>|[\\p{L}_$][\\p{L}\\p{N}_$]*\\*?|\\*)(\\(.*\\).+)?");

    /** Pieces whose every concatenation of up to three is tried: letters, digits and numbers of several scripts, marks, surrogates, terminators. */
    private static final List<String> PIECES = List.of("", "a", "Z", "_", "$", "1", "\u0661", "\u2167", "\u00BD", "\u02B0", "\u01C5",
            "\u0301", "\uD835\uDC00", "\uD83D\uDE00", "\uD835", "\uDC00", "*", "(", ")", "()", "()V", "(I)", "<init>", "<clinit>",
            "<", ">", ".", "#", " ", "-", "\n", "\r", "\u0085", "\u2028", "\u2029", "\u00A0", "x(Ljava/lang/String;)V");

    static List<String> corpus() {
        List<String> out = new ArrayList<>();
        for (String a : PIECES) {
            for (String b : PIECES) {
                for (String c : PIECES) {
                    out.add(a + b + c);
                }
            }
        }
        return out;
    }

    @Test
    void identifiersAreTheRegex() {
        for (String s : corpus()) {
            assertThat(ScanPolicy.isIdentifier(s, 0, s.length())).as("%s", s.codePoints().boxed().toList())
                    .isEqualTo(IDENT.matcher(s).matches());
        }
    }

    @Test
    void membersAreTheRegex() {
        for (String s : corpus()) {
            assertThat(ScanPolicy.isMember(s)).as("%s", s.codePoints().boxed().toList()).isEqualTo(MEMBER.matcher(s).matches());
        }
    }

    @Test
    void dottedNamesAreCheckedPartByPart() {
        for (String s : corpus()) {
            boolean regex = true;
            for (String part : s.split("\\.", -1)) {
                regex &= IDENT.matcher(part).matches();
            }
            assertThat(ScanPolicy.isDottedName(s)).as("%s", s.codePoints().boxed().toList()).isEqualTo(regex);
        }
    }

    @Test
    void moduleNamesAreTheRegex() {
        Pattern module = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
        for (String s : corpus()) {
            assertThat(ScanPolicy.isDottedName(s)).as("%s", s.codePoints().boxed().toList()).isEqualTo(module.matcher(s).matches());
        }
    }

    @Test
    void theCorpusHoldsBothVerdicts() {
        // (A corpus every check accepts, or refuses, would prove nothing.)
        assertThat(corpus()).anyMatch(s -> MEMBER.matcher(s).matches()).anyMatch(s -> !MEMBER.matcher(s).matches())
                .anyMatch(s -> s.contains("(") && MEMBER.matcher(s).matches())
                .anyMatch(s -> s.contains(".") && ScanPolicy.isDottedName(s));
    }
}
