package dev.stigmem.testkit;

import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginRejectedException;
import dev.stigmem.loader.PluginSetException;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import dev.stigmem.node.NodeStartException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * A node's refusal of the plugin under test, told once and short: the verdict, the first findings
 * and where the full report is. The full refusal (every failure, whole scan reports) goes to a
 * file, not into the message of every test and every chained exception.
 */
final class NodeRefusal {
    /** DENY findings shown in the message; the rest are in the file. */
    static final int FINDINGS_SHOWN = 3;
    /** Failures (archives) shown in the message when the refusal is not the scan's. */
    static final int FAILURES_SHOWN = 3;
    /** Characters of one failure shown in the message. */
    static final int FAILURE_CHARS = 300;

    private NodeRefusal() {
    }

    /**
     * The short text of a refusal of {@code plugin} (started with {@code alongside}), after writing
     * the node's whole refusal to a file beside the packed archive.
     */
    static String describe(NodeStartException refusal, PluginArchive plugin, List<PluginArchive> alongside, ScanPolicy policy) {
        List<PluginLoadException> failures = refusal.getCause() instanceof PluginSetException set ? set.failures() : List.of();
        StringBuilder full = new StringBuilder(refusal.getMessage()).append('\n');
        StringBuilder b = new StringBuilder("the node refused the plugin under test (").append(plugin.path().getFileName()).append(')');
        boolean shown = false;
        for (PluginLoadException f : failures) {
            Optional<PluginArchive> archive = archiveOf(f, plugin, alongside);
            Optional<ScanReport> report = f instanceof PluginRejectedException && f.reason().startsWith("rejected by " + ScanCheck.NAME)
                    ? archive.flatMap(a -> rescan(a, policy)) : Optional.empty();
            if (report.isPresent()) {
                full.append('\n').append(report.get().toText());
                if (!shown) {
                    appendScan(b, f, archive.get(), plugin, report.get());
                    shown = true;
                }
            }
        }
        if (!shown) {
            List<String> lines = failures.isEmpty() ? refusal.failures() : failures.stream().map(Throwable::getMessage).toList();
            b.append(":");
            lines.stream().limit(FAILURES_SHOWN).forEach(l -> b.append("\n  - ").append(firstLines(l)));
            if (lines.size() > FAILURES_SHOWN) {
                b.append("\n  ... and ").append(lines.size() - FAILURES_SHOWN).append(" more");
            }
        } else if (failures.size() > 1) {
            b.append("\n  (").append(failures.size() - 1).append(" more archive(s) refused as well)");
        }
        Optional<Path> file = write(plugin, full.toString());
        b.append(file.map(p -> "\nfull refusal: " + p).orElseGet(() -> "\nfull refusal (it could not be written to a file):\n" + full));
        b.append("\nto test a refusal, take a PluginArchive parameter and call assertRejectedByNode() or scan().assertDenied(rule)");
        return b.toString();
    }

    private static void appendScan(StringBuilder b, PluginLoadException f, PluginArchive archive, PluginArchive plugin, ScanReport report) {
        if (archive != plugin) {
            b.append(": the pre-scan rejected ").append(archive.path().getFileName()).append(", loaded alongside it");
        } else {
            b.append(": the pre-scan rejected it");
        }
        List<Finding> denies = report.findings().stream().filter(x -> x.severity() == Severity.DENY).toList();
        b.append(" (").append(denies.size()).append(denies.size() == 1 ? " DENY finding" : " DENY findings").append(')');
        for (Finding d : denies.subList(0, Math.min(FINDINGS_SHOWN, denies.size()))) {
            b.append("\n  DENY ").append(d.rule()).append(": ").append(d.target()).append(" [").append(d.reason()).append(']')
                    .append("\n    ").append(d.location());
            d.reachedBy().ifPresent(p -> b.append("\n    ").append(p));
        }
        if (denies.size() > FINDINGS_SHOWN) {
            b.append("\n  ... and ").append(denies.size() - FINDINGS_SHOWN).append(" more");
        }
        b.append("\n").append(report.summary());
    }

    // The node copied each archive into its plugin directory under the same file name.
    private static Optional<PluginArchive> archiveOf(PluginLoadException f, PluginArchive plugin, List<PluginArchive> alongside) {
        Path name = f.archive().getFileName();
        if (plugin.path().getFileName().equals(name)) {
            return Optional.of(plugin);
        }
        return alongside.stream().filter(a -> a.path().getFileName().equals(name)).findFirst();
    }

    // The scan is deterministic: the same bytes and policy give the report the node refused on.
    private static Optional<ScanReport> rescan(PluginArchive archive, ScanPolicy policy) {
        try {
            return Optional.of(archive.scan(policy).report());
        } catch (AssertionFailedError | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String firstLines(String text) {
        String s = text.length() > FAILURE_CHARS ? text.substring(0, FAILURE_CHARS) + " ..." : text;
        return s.replace("\n", "\n    ");
    }

    private static Optional<Path> write(PluginArchive plugin, String text) {
        Path file = plugin.reportDirectory().resolve(plugin.path().getFileName() + "-refused.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Exceptions with the refusal and nothing else: no cause repeating it, no extension frames. */
    static <E extends Exception> E alone(E e) {
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }
}
