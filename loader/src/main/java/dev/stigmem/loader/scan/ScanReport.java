package dev.stigmem.loader.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.internal.trust.EscapedText;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
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
        return String.format(Locale.ROOT, "%s: %d findings (%d deny, %d warn, %d info) in %d classes (%d bytes) of %d jars",
                verdict(), findings.size(), count(Severity.DENY), count(Severity.WARN), count(Severity.INFO),
                classesScanned, classBytes, jars.size());
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

    /** A human-readable report: one finding per two lines, forbidden-apis style, then {@link #summary()}. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        // Class, member and file names come from the archive or the file system: escaped, so that
        // none can forge a line of the report (one finding, two lines).
        b.append("Scan of ").append(EscapedText.of(archive)).append('\n');
        for (Finding f : findings) {
            b.append(f.severity()).append(' ').append(EscapedText.of(f.rule())).append(": ").append(EscapedText.of(f.target()))
                    .append(" [").append(EscapedText.of(f.reason())).append("]\n  ").append(EscapedText.of(f.location())).append('\n');
        }
        return b.append(summary()).append('\n').toString();
    }
}
