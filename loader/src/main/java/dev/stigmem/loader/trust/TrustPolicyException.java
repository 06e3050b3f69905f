package dev.stigmem.loader.trust;

import java.util.List;
import java.util.Locale;

/**
 * The operator's trust policy file cannot be read or breaks its format. Every problem is reported
 * at once, each as {@code FILE:LINE: what is wrong}, so the operator fixes them in one pass.
 */
public final class TrustPolicyException extends TrustException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param file     the policy file, as the operator named it
     * @param problems one sentence each, prefixed with {@code FILE:LINE:} where a line is to blame; at least one
     * @param cause    the I/O failure behind the problem, if any
     */
    public TrustPolicyException(String file, List<String> problems, Throwable cause) {
        super(file, format(file, problems), cause);
        this.problems = List.copyOf(problems);
    }

    private static String format(String file, List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TrustPolicyException needs at least one problem");
        }
        String nl = System.lineSeparator();
        return String.format(Locale.ROOT, "invalid trust policy %s (%d problem%s):%s  %s", file,
                problems.size(), problems.size() == 1 ? "" : "s", nl, String.join(nl + "  ", problems));
    }

    /** Each problem, in file order. */
    public List<String> problems() {
        return problems;
    }
}
