package dev.stigmem.loader.scan;

import java.util.Comparator;
import java.util.List;
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
 * @param line      the source line, where the class file has line numbers (the first, when the same
 *                  reference stands more than once in one method)
 * @param sourceFile the class file's {@code SourceFile} attribute ({@code Foo.java}), where it has one
 *                  that is a plain file name
 * @param path      for a DENY in code reachable from an entry point of the archive, the calls that
 *                  reach it, entry point first, each {@code Class.method(descriptor)}, the method of the
 *                  finding last (bounded: a long path keeps its ends, with {@code "..."} between); empty
 *                  otherwise
 * @param occurrences how many times the same rule and target stand in the same method (at least 1)
 */
public record Finding(Severity severity, String rule, String reason, String target, int jarIndex, String jar,
                      Optional<String> entry, Optional<String> className, Optional<String> method,
                      OptionalInt line, Optional<String> sourceFile, List<String> path, int occurrences)
        implements Comparable<Finding> {

    /**
     * The report order: by jar index, entry, line, method, severity, rule, target, class name, reason,
     * occurrences, then path (absent values first, as empty strings and line 0). Written out in
     * {@link #compareTo} rather than as a chain of comparators: every scan sorts its findings, and a
     * short CLI run would otherwise interpret eleven nested lambdas per comparison.
     */
    public static final Comparator<Finding> ORDER = Finding::compareTo;

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
        path = List.copyOf(path);
        if (occurrences < 1) {
            throw new IllegalArgumentException("occurrences must be at least 1: " + occurrences);
        }
    }

    /** A finding that stands once, without a source file name (archive-wide, or a class compiled without one) or a path. */
    public Finding(Severity severity, String rule, String reason, String target, int jarIndex, String jar,
                   Optional<String> entry, Optional<String> className, Optional<String> method, OptionalInt line) {
        this(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, Optional.empty());
    }

    /** A finding that stands once, without a path. */
    public Finding(Severity severity, String rule, String reason, String target, int jarIndex, String jar,
                   Optional<String> entry, Optional<String> className, Optional<String> method, OptionalInt line,
                   Optional<String> sourceFile) {
        this(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, sourceFile, List.of(), 1);
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

    /** This finding with another severity and reason (a finding in code no entry point reaches). */
    public Finding withSeverity(Severity newSeverity, String newReason) {
        return new Finding(newSeverity, rule, newReason, target, jarIndex, jar, entry, className, method, line, sourceFile, path,
                occurrences);
    }

    /** This finding with the path that reaches it. */
    public Finding withPath(List<String> newPath) {
        return new Finding(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, sourceFile, newPath,
                occurrences);
    }

    /** This finding standing {@code n} times. */
    public Finding withOccurrences(int n) {
        return new Finding(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, sourceFile, path, n);
    }

    /** This finding with the source file name of its class. */
    public Finding withSourceFile(Optional<String> file) {
        return new Finding(severity, rule, reason, target, jarIndex, jar, entry, className, method, line, file, path, occurrences);
    }

    @Override
    public int compareTo(Finding other) {
        int c = Integer.compare(jarIndex, other.jarIndex);
        if (c == 0) {
            c = entry.orElse("").compareTo(other.entry.orElse(""));
        }
        if (c == 0) {
            c = Integer.compare(line.orElse(0), other.line.orElse(0));
        }
        if (c == 0) {
            c = method.orElse("").compareTo(other.method.orElse(""));
        }
        if (c == 0) {
            c = severity.compareTo(other.severity);
        }
        if (c == 0) {
            c = rule.compareTo(other.rule);
        }
        if (c == 0) {
            c = target.compareTo(other.target);
        }
        if (c == 0) {
            c = className.orElse("").compareTo(other.className.orElse(""));
        }
        if (c == 0) {
            c = reason.compareTo(other.reason);
        }
        if (c == 0) {
            c = Integer.compare(occurrences, other.occurrences);
        }
        if (c == 0) {
            c = String.join("\n", path).compareTo(String.join("\n", other.path));
        }
        return c;
    }

    /**
     * The path from an entry point, in words ({@code reached by: A.m()V -> B.n()V}); empty without a
     * path, and for a finding in an entry point itself (its location says all).
     */
    public Optional<String> reachedBy() {
        return path.size() < 2 ? Optional.empty() : Optional.of("reached by: " + String.join(" -> ", path));
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
        b.append(')');
        if (occurrences > 1) {
            b.append(" (").append(occurrences).append(" times in this method)");
        }
        return b.toString();
    }
}
