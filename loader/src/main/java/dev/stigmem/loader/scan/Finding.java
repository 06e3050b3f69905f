package dev.stigmem.loader.scan;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One thing the pre-scan found: which rule, why, what was referenced and exactly where.
 *
 * <p>Immutable. The natural order ({@link #ORDER}) is the report's order: by jar (in the archive's
 * order), entry, line, method, then severity, rule and target, so equal inputs give equal reports.
 *
 * @param severity  how much it weighs
 * @param rule      the rule id (a {@link RuleIds} constant or an id of the policy file)
 * @param reason    why the rule exists, as the policy states it
 * @param target    what was referenced: a class ({@code java.lang.ProcessBuilder}), a member
 *                  ({@code java.lang.System#exit(I)V}), a capability id or a module name
 * @param jarIndex  position of the jar in the archive (0 is the plugin jar), for ordering
 * @param jar       the jar's name inside the archive
 * @param entry     the archive entry (empty for archive-wide findings)
 * @param className the class, dotted binary name (empty for archive-wide findings)
 * @param method    the method as {@code name(descriptor)} (empty for class-level references)
 * @param line      the source line, where the class file has line numbers
 * @param sourceFile the class file's {@code SourceFile} attribute ({@code Foo.java}), where it has one
 *                  that is a plain file name
 */
public record Finding(Severity severity, String rule, String reason, String target, int jarIndex, String jar,
                      Optional<String> entry, Optional<String> className, Optional<String> method,
                      OptionalInt line, Optional<String> sourceFile) implements Comparable<Finding> {

    /** The report order. */
    public static final Comparator<Finding> ORDER = Comparator
            .comparingInt(Finding::jarIndex)
            .thenComparing(f -> f.entry().orElse(""))
            .thenComparingInt(f -> f.line().orElse(0))
            .thenComparing(f -> f.method().orElse(""))
            .thenComparing(Finding::severity)
            .thenComparing(Finding::rule)
            .thenComparing(Finding::target)
            .thenComparing(f -> f.className().orElse(""))
            .thenComparing(Finding::reason);

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(sourceFile, "sourceFile");
    }

    /** A finding without a source file name (archive-wide, or a class compiled without one). */
    public Finding(Severity severity, String rule, String reason, String target, int jarIndex, String jar,
                   Optional<String> entry, Optional<String> className, Optional<String> method, OptionalInt line) {
        this(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, Optional.empty());
    }

    /**
     * The source file's path as source trees lay it out: the class's package as directories, then
     * the {@link #sourceFile} ({@code com/example/Foo.java}); empty without a source file name.
     * This is the path code-scanning UIs match against a repository, below its source root.
     */
    public Optional<String> sourcePath() {
        if (sourceFile.isEmpty() || className.isEmpty()) {
            return Optional.empty();
        }
        String c = className.get();
        int dot = c.lastIndexOf('.');
        return Optional.of((dot < 0 ? "" : c.substring(0, dot).replace('.', '/') + "/") + sourceFile.get());
    }

    @Override
    public int compareTo(Finding other) {
        return ORDER.compare(this, other);
    }

    /** Where, in the forbidden-apis manner: {@code in com.example.Foo.start(...)V (plugin.jar!com/example/Foo.class:12)}. */
    public String location() {
        StringBuilder b = new StringBuilder();
        className.ifPresent(c -> b.append("in ").append(c));
        method.ifPresent(m -> b.append('.').append(m));
        if (b.length() > 0) {
            b.append(' ');
        }
        b.append('(').append(jar);
        entry.ifPresent(e -> b.append('!').append(e));
        line.ifPresent(l -> b.append(':').append(l));
        return b.append(')').toString();
    }
}
