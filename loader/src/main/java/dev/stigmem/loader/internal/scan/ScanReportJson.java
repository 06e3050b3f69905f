package dev.stigmem.loader.internal.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.UncheckedIOException;

/**
 * The JSON form of a {@link ScanReport}, for machines ({@code stigmem scan --json}). Field order is
 * fixed and line ends are {@code \n} on every platform, so equal reports give byte-identical JSON.
 * Absent values (an archive-wide finding's class, a finding without debug line) are omitted.
 */
public final class ScanReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private ScanReportJson() {
    }

    /** The report as JSON, ending with a newline. */
    public static String toJson(ScanReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("archive", report.archive());
        root.put("verdict", report.verdict().name());
        ObjectNode summary = root.putObject("summary");
        summary.put("deny", report.count(Severity.DENY));
        summary.put("warn", report.count(Severity.WARN));
        summary.put("info", report.count(Severity.INFO));
        summary.put("classes", report.classesScanned());
        summary.put("classBytes", report.classBytes());
        ArrayNode jars = root.putArray("jars");
        report.jars().forEach(jars::add);
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode n = findings.addObject();
            n.put("severity", f.severity().name());
            n.put("rule", f.rule());
            n.put("target", f.target());
            n.put("reason", f.reason());
            n.put("jar", f.jar());
            f.entry().ifPresent(e -> n.put("entry", e));
            f.className().ifPresent(c -> n.put("class", c));
            f.method().ifPresent(m -> n.put("method", m));
            f.line().ifPresent(l -> n.put("line", l));
            if (f.occurrences() > 1) {
                n.put("occurrences", f.occurrences());
            }
            if (!f.path().isEmpty()) {
                f.path().forEach(n.putArray("path")::add);
            }
        }
        try {
            return WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot render scan report of " + report.archive() + " as JSON", e);
        }
    }
}
