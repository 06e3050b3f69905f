package dev.stigmem.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The node versions a plugin runs on: comparators joined by commas, all of which must hold,
 * for example {@code >=0.9.0} or {@code >=0.9.0,<2.0.0}. Operators are {@code >=}, {@code >},
 * {@code <=}, {@code <} and {@code =}.
 *
 * @param text        the range as written
 * @param comparators the parsed comparators (unmodifiable)
 */
public record VersionRange(String text, List<Comparator> comparators) {

    /** One operator and the version it compares with. */
    public record Comparator(Operator operator, SemanticVersion version) {
        public Comparator {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(version, "version");
        }

        boolean test(SemanticVersion v) {
            int c = v.compareTo(version);
            return switch (operator) {
                case AT_LEAST -> c >= 0;
                case ABOVE -> c > 0;
                case AT_MOST -> c <= 0;
                case BELOW -> c < 0;
                case EXACTLY -> c == 0;
            };
        }

        @Override
        public String toString() {
            return operator.symbol + version;
        }
    }

    /** Comparison operators, longest symbol first so that parsing is unambiguous. */
    public enum Operator {
        AT_LEAST(">="), AT_MOST("<="), ABOVE(">"), BELOW("<"), EXACTLY("=");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private static final int MAX_COMPARATORS = 8;

    public VersionRange {
        Objects.requireNonNull(text, "text");
        comparators = List.copyOf(comparators);
        if (comparators.isEmpty()) {
            throw new IllegalArgumentException("a version range needs at least one comparator");
        }
    }

    /**
     * Parses a range.
     *
     * @throws IllegalArgumentException naming the text and the part that is wrong
     */
    public static VersionRange parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("version range is empty; write for example '>=0.9.0'");
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_COMPARATORS) {
            throw new IllegalArgumentException("version range '" + text + "' has more than " + MAX_COMPARATORS + " comparators");
        }
        List<Comparator> out = new ArrayList<>();
        for (String raw : parts) {
            String part = raw.strip();
            Operator op = null;
            for (Operator o : Operator.values()) {
                if (part.startsWith(o.symbol)) {
                    op = o;
                    break;
                }
            }
            if (op == null) {
                throw new IllegalArgumentException("version range '" + text + "': '" + part
                        + "' does not start with one of >=, >, <=, <, =");
            }
            try {
                out.add(new Comparator(op, SemanticVersion.parse(part.substring(op.symbol.length()).strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("version range '" + text + "': " + e.getMessage(), e);
            }
        }
        return new VersionRange(text, out);
    }

    /** Whether the version satisfies every comparator. */
    public boolean includes(SemanticVersion version) {
        for (Comparator c : comparators) {
            if (!c.test(version)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
