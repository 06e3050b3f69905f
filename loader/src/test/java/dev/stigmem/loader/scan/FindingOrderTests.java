package dev.stigmem.loader.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The report order of findings ({@link Finding#ORDER}), key by key: reports must not depend on anything else. */
class FindingOrderTests {

    private static Finding base() {
        return new Finding(Severity.WARN, "rule.b", "reason b", "target.b", 1, "lib.jar", Optional.of("b/B.class"),
                Optional.of("b.B"), Optional.of("m()V"), OptionalInt.of(20), Optional.of("B.java"), List.of("b.B.run()V"), 2);
    }

    private static Finding with(int key, boolean less) {
        Finding f = base();
        return switch (key) {
            case 0 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), less ? 0 : 2, f.jar(), f.entry(), f.className(),
                    f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 1 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(),
                    less ? Optional.empty() : Optional.of("c/C.class"), f.className(), f.method(), f.line(), f.sourceFile(), f.path(),
                    f.occurrences());
            case 2 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    f.method(), less ? OptionalInt.empty() : OptionalInt.of(30), f.sourceFile(), f.path(), f.occurrences());
            case 3 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    less ? Optional.of("a()V") : Optional.of("n()V"), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 4 -> f.withSeverity(less ? Severity.DENY : Severity.INFO, f.reason()); // declaration order: DENY, WARN, INFO
            case 5 -> new Finding(f.severity(), less ? "rule.a" : "rule.c", f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(),
                    f.className(), f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 6 -> new Finding(f.severity(), f.rule(), f.reason(), less ? "target.a" : "target.c", f.jarIndex(), f.jar(), f.entry(),
                    f.className(), f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 7 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(),
                    less ? Optional.empty() : Optional.of("c.C"), f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 8 -> f.withSeverity(f.severity(), less ? "reason a" : "reason c");
            case 9 -> f.withOccurrences(less ? 1 : 3);
            case 10 -> f.withPath(less ? List.of() : List.of("b.B.run()V", "c.C.x()V"));
            default -> throw new IllegalArgumentException("key " + key);
        };
    }

    @Test
    void eachKeyOrdersFindingsThatAgreeOnEveryEarlierKey() {
        for (int key = 0; key <= 10; key++) {
            assertThat(with(key, true)).as("key %d", key).isLessThan(base());
            assertThat(with(key, false)).as("key %d", key).isGreaterThan(base());
            assertThat(Finding.ORDER.compare(with(key, true), base())).as("key %d", key).isNegative();
        }
        assertThat(base().compareTo(base())).isZero();
    }

    @Test
    void anEarlierKeyWinsOverEveryLaterOne() {
        for (int early = 0; early < 10; early++) {
            for (int late = early + 1; late <= 10; late++) {
                // Less by the earlier key, greater by the later one: the earlier key decides.
                Finding lessEarly = with(early, true);
                Finding greaterLate = with(late, false);
                Finding both = merge(lessEarly, greaterLate, late);
                assertThat(both).as("keys %d, %d", early, late).isLessThan(base());
            }
        }
    }

    @Test
    void sortingIsTheSameWhateverTheInputOrder() {
        List<Finding> all = new ArrayList<>();
        for (int key = 0; key <= 10; key++) {
            all.add(with(key, true));
            all.add(with(key, false));
        }
        all.add(base());
        List<Finding> sorted = all.stream().sorted().toList();
        for (long seed = 0; seed < 20; seed++) {
            List<Finding> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(shuffled.stream().sorted(Finding.ORDER).toList()).isEqualTo(sorted);
        }
    }

    /** {@code f} with the value of {@code key} taken from {@code from}. */
    private static Finding merge(Finding f, Finding from, int key) {
        return switch (key) {
            case 1 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), from.entry(), f.className(),
                    f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 2 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    f.method(), from.line(), f.sourceFile(), f.path(), f.occurrences());
            case 3 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    from.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 4 -> f.withSeverity(from.severity(), f.reason());
            case 5 -> new Finding(f.severity(), from.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 6 -> new Finding(f.severity(), f.rule(), f.reason(), from.target(), f.jarIndex(), f.jar(), f.entry(), f.className(),
                    f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 7 -> new Finding(f.severity(), f.rule(), f.reason(), f.target(), f.jarIndex(), f.jar(), f.entry(), from.className(),
                    f.method(), f.line(), f.sourceFile(), f.path(), f.occurrences());
            case 8 -> f.withSeverity(f.severity(), from.reason());
            case 9 -> f.withOccurrences(from.occurrences());
            case 10 -> f.withPath(from.path());
            default -> throw new IllegalArgumentException("key " + key);
        };
    }
}
