package dev.stigmem.api;

import java.util.List;
import java.util.Locale;

/**
 * A plugin manifest breaks one or more rules. Every problem is reported at once, so an author
 * fixes them in one pass.
 */
public class ManifestError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String subject;
    private final List<String> problems;

    /**
     * @param subject  what was validated, for example {@code plugin 'example-plugin'}
     * @param problems what is wrong, one sentence each; at least one
     */
    public ManifestError(String subject, List<String> problems) {
        super(format(subject, problems));
        this.subject = subject;
        this.problems = List.copyOf(problems);
    }

    private static String format(String subject, List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ManifestError needs at least one problem");
        }
        return String.format(Locale.ROOT, "invalid manifest of %s (%d problem%s): %s",
                subject, problems.size(), problems.size() == 1 ? "" : "s", String.join("; ", problems));
    }

    /** What was validated. */
    public String subject() {
        return subject;
    }

    /** Each problem found, in the order the rules are checked. */
    public List<String> problems() {
        return problems;
    }
}
