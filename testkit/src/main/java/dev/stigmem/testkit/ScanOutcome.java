package dev.stigmem.testkit;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.opentest4j.AssertionFailedError;

/** A pre-scan report with assertions; every failure message carries the whole report. */
public final class ScanOutcome {
    private final ScanReport report;

    ScanOutcome(ScanReport report) {
        this.report = report;
    }

    /** The report itself ({@link ScanReport#toText()} is what {@code stigmem scan} prints). */
    public ScanReport report() {
        return report;
    }

    /** Asserts the scan accepts the archive: no DENY finding. */
    public ScanOutcome assertAccepted() {
        if (report.hasDeny()) {
            throw new AssertionFailedError("expected the pre-scan to accept the archive, but it has "
                    + report.count(Severity.DENY) + " DENY findings:\n" + report.toText());
        }
        return this;
    }

    /**
     * Asserts the scan denies the archive with rule {@code ruleId} (see {@code RuleIds} and the
     * scan policy's rule names).
     *
     * @return the first such finding, to check its class, method and line
     */
    public Finding assertDenied(String ruleId) {
        List<Finding> found = report.findings(ruleId).stream().filter(f -> f.severity() == Severity.DENY).toList();
        if (found.isEmpty()) {
            throw new AssertionFailedError("expected a DENY finding of rule '" + ruleId + "', but there is none:\n" + report.toText());
        }
        return found.get(0);
    }

    /** Asserts there is no finding of rule {@code ruleId}, of any severity. */
    public ScanOutcome assertNoFinding(String ruleId) {
        if (!report.findings(ruleId).isEmpty()) {
            throw new AssertionFailedError("expected no finding of rule '" + ruleId + "':\n" + report.toText());
        }
        return this;
    }

    /**
     * Asserts least privilege: the manifest declares no capability the bytecode does not use (no
     * {@code capability.unused} finding) and the bytecode uses none it did not declare.
     */
    public ScanOutcome assertLeastPrivilege() {
        List<Finding> unused = report.findings(RuleIds.CAPABILITY_UNUSED);
        if (!unused.isEmpty()) {
            throw new AssertionFailedError("expected the manifest to declare only capabilities the code uses; unused: "
                    + unused.stream().map(Finding::target).toList() + "\n" + report.toText());
        }
        if (report.hasDeny()) {
            throw new AssertionFailedError("expected a clean least-privilege scan, but the archive is denied:\n" + report.toText());
        }
        return this;
    }

    /** Asserts the capabilities the bytecode uses, exactly. */
    public ScanOutcome assertUses(Capability... capabilities) {
        Set<Capability> expected = capabilities.length == 0 ? Set.of() : EnumSet.of(capabilities[0], capabilities);
        if (!report.usedCapabilities().equals(expected)) {
            throw new AssertionFailedError("expected the bytecode to use exactly " + expected + ", but it uses "
                    + report.usedCapabilities(), expected, report.usedCapabilities());
        }
        return this;
    }
}
