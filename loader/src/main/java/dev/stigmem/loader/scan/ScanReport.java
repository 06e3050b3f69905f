package dev.stigmem.loader.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.internal.trust.EscapedText;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The result of pre-scanning one plugin archive: every finding, sorted, and what was scanned.
 *
 * <p>Immutable; equal inputs give equal reports, and equal reports render byte-identical JSON
 * (see the loader's JSON rendering). Any {@link Severity#DENY} finding rejects the archive.
 *
 * @param archive         the archive as the operator named it
 * @param jars            the jars scanned, plugin jar first
 * @param classesScanned  class files read (all jars, all multi-release versions, module descriptors)
 * @param classBytes      their uncompressed size in bytes
 * @param findings        every finding, in {@link Finding#ORDER}
 * @param usedCapabilities the capabilities whose gated accessor or handle type some code of the
 *                        archive references, declared or not (recognised through the api's own
 *                        {@code @Gated} mapping), in enum order: what a review compares with the
 *                        manifest
 */
public record ScanReport(String archive, List<String> jars, int classesScanned, long classBytes,
                         List<Finding> findings, Set<Capability> usedCapabilities) {

    /** What the loader does with the archive. */
    public enum Verdict {
        /** No DENY finding: the archive may be installed and loaded. */
        ACCEPT,
        /** At least one DENY finding: no layer, no class loaded. */
        REJECT
    }

    public ScanReport {
        Objects.requireNonNull(archive, "archive");
        jars = List.copyOf(jars);
        findings = findings.stream().sorted().toList();
        usedCapabilities = usedCapabilities.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(usedCapabilities));
    }

    /** Whether any finding denies the archive. */
    public boolean hasDeny() {
        return count(Severity.DENY) > 0;
    }

    /** {@link Verdict#REJECT} when {@link #hasDeny()}. */
    public Verdict verdict() {
        return hasDeny() ? Verdict.REJECT : Verdict.ACCEPT;
    }

    /** The number of findings of a severity. */
    public int count(Severity severity) {
        return (int) findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** The findings of one rule, in report order. */
    public List<Finding> findings(String ruleId) {
        return findings.stream().filter(f -> f.rule().equals(ruleId)).toList();
    }

    /** The closing line of a report: {@code REJECT: 3 findings (2 deny, 1 warn, 0 info) in 120 classes of 2 jars}. */
    public String summary() {
        // Joined, not String.format: a number formatted that way initialises the JDK's locale providers
        // (some 300 classes, 15-20 ms of a short command's start) for the same ASCII digits.
        return verdict() + ": " + findings.size() + " findings (" + count(Severity.DENY) + " deny, " + count(Severity.WARN) + " warn, "
                + count(Severity.INFO) + " info) in " + classesScanned + " classes (" + classBytes + " bytes) of " + jars.size() + " jars";
    }

    /**
     * The report as JSON: fixed field order, {@code \n} line ends, absent values omitted, so that
     * equal reports give byte-identical text.
     */
    public String toJson() {
        return dev.stigmem.loader.internal.scan.ScanReportJson.toJson(this);
    }

    /** The report as a SARIF 2.1.0 log (see {@link SarifLog}), ending with a newline. */
    public String toSarif() {
        return SarifLog.builder().add(this).toJson();
    }

    /**
     * A human-readable report that leads with what refuses the archive: each DENY finding
     * forbidden-apis style (rule, target and reason; where; the path from an entry point), then the
     * WARN and INFO findings summarised per jar and rule, then {@link #summary()}.
     */
    public String toText() {
        StringBuilder b = new StringBuilder();
        // Class, member and file names come from the archive or the file system: escaped, so that
        // none can forge a line of the report.
        b.append("Scan of ").append(EscapedText.of(archive)).append('\n');
        b.append(findingsText(""));
        return b.append(summary()).append('\n').toString();
    }

    /** How many targets of one rule the summary names before "and N more". */
    private static final int TARGETS_SHOWN = 3;

    /**
     * The body of {@link #toText()}: every DENY finding in full, then the other findings per jar
     * (with their counts per severity) and rule (with a few of its targets), each line starting with
     * {@code indent}. Names are escaped.
     */
    public String findingsText(String indent) {
        StringBuilder b = new StringBuilder();
        for (Finding f : findings) {
            if (f.severity() != Severity.DENY) {
                continue;
            }
            b.append(indent).append(f.severity()).append(' ').append(EscapedText.of(f.rule())).append(": ")
                    .append(EscapedText.of(f.target())).append(" [").append(EscapedText.of(f.reason())).append("]\n")
                    .append(indent).append("  ").append(EscapedText.of(f.location())).append('\n');
            f.reachedBy().ifPresent(p -> b.append(indent).append("  ").append(EscapedText.of(p)).append('\n'));
        }
        // jar -> severity -> rule -> targets (distinct, sorted), in the jars' order.
        java.util.Map<String, java.util.Map<Severity, java.util.Map<String, java.util.SortedSet<String>>>> others =
                new java.util.LinkedHashMap<>();
        java.util.Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.severity() == Severity.DENY) {
                continue;
            }
            others.computeIfAbsent(f.jar(), k -> new java.util.EnumMap<>(Severity.class))
                    .computeIfAbsent(f.severity(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(f.rule(), k -> new java.util.TreeSet<>()).add(f.target());
            counts.computeIfAbsent(f.jar(), k -> new int[Severity.values().length])[f.severity().ordinal()]++;
        }
        if (others.isEmpty()) {
            return b.toString();
        }
        b.append(indent).append("Not refusing, by jar:\n");
        java.util.Map<String, java.util.Map<String, Integer>> perRule = new java.util.HashMap<>();
        for (Finding f : findings) {
            perRule.computeIfAbsent(f.jar() + '\n' + f.severity(), k -> new java.util.HashMap<>()).merge(f.rule(), 1, Integer::sum);
        }
        others.forEach((jar, bySeverity) -> {
            int[] c = counts.get(jar);
            b.append(indent).append("  ").append(EscapedText.of(jar)).append(": ").append(c[Severity.WARN.ordinal()]).append(" warn, ")
                    .append(c[Severity.INFO.ordinal()]).append(" info\n");
            bySeverity.forEach((severity, byRule) -> byRule.forEach((rule, targets) -> {
                int n = perRule.get(jar + '\n' + severity).get(rule);
                b.append(indent).append("    ").append(severity).append(' ').append(EscapedText.of(rule)).append(": ");
                if (n > 1) {
                    b.append(n).append(" findings, ");
                }
                int shown = 0;
                for (String t : targets) {
                    if (shown == TARGETS_SHOWN) {
                        break;
                    }
                    b.append(shown > 0 ? ", " : "").append(EscapedText.of(t));
                    shown++;
                }
                if (targets.size() > TARGETS_SHOWN) {
                    b.append(" and ").append(targets.size() - TARGETS_SHOWN).append(" more");
                }
                b.append('\n');
            }));
        });
        return b.toString();
    }
}
