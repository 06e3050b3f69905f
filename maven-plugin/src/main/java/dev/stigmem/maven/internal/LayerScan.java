package dev.stigmem.maven.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.SarifLog;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanPolicyException;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The scan as the Maven goal asks for it, run inside the loader's module layer (see the goal's
 * {@code LoaderLayer}): reads the archive with {@link PluginLoader#inspect} and scans it with
 * {@link ScanCheck#scan}, the calls {@code stigmem scan} makes, and answers in strings only.
 *
 * <p>Input keys: {@code archive} (absolute path), {@code policy} (optional operator policy file,
 * which can only add rules), {@code maxListed} (how many findings of each severity to list).
 * Output keys: {@code outcome} ({@code ACCEPT}, {@code REJECT}, {@code REFUSED}: the declaration is
 * refused, {@code ERROR}: the archive or policy cannot be read), {@code message} (for REFUSED and
 * ERROR), {@code summary}, {@code text}, {@code json}, {@code sarif}, {@code deny}/{@code warn}
 * (the first findings of that severity, two lines each), {@code denyCount}, {@code warnCount},
 * {@code classes}, {@code classBytes}, {@code jars}, {@code plugin} (name and version).
 *
 * <p>Not part of the plugin's API; public only so that its class loader can instantiate it.
 */
public final class LayerScan implements Function<Map<String, String>, Map<String, String>> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Map<String, String> apply(Map<String, String> in) {
        Path archive = Path.of(in.get("archive"));
        int maxListed = Integer.parseInt(in.getOrDefault("maxListed", "20"));
        Map<String, String> out = new HashMap<>();
        ScanPolicy policy;
        try {
            policy = ScanPolicy.shipped();
            String file = in.get("policy");
            if (file != null) {
                policy = policy.withOperatorPolicy(Path.of(file));
            }
        } catch (ScanPolicyException e) {
            return error(out, archive, "the scan policy cannot be read: " + e.getMessage());
        }
        PluginCandidate candidate;
        try {
            candidate = PluginLoader.builder().scanPolicy(policy).build().inspect(archive);
        } catch (PluginDeclarationException e) {
            out.put("outcome", "REFUSED");
            out.put("message", e.getMessage());
            out.put("text", "Scan of " + archive + "\nREJECT " + e.getMessage() + "\n");
            ObjectNode json = JSON.createObjectNode();
            json.put("archive", archive.toString());
            json.put("rejected", e.getMessage());
            out.put("json", json.toPrettyString() + "\n");
            out.put("sarif", SarifLog.builder().addResult(archive.toString(), SarifLog.DECLARATION_RULE, Severity.DENY,
                    "", e.getMessage(), Optional.empty()).toJson());
            return out;
        } catch (PluginLoadException e) {
            return error(out, archive, e.getMessage());
        }
        ScanReport report;
        try {
            report = ScanCheck.scan(candidate, policy);
        } catch (ScanException e) {
            return error(out, archive, e.getMessage());
        }
        out.put("outcome", report.verdict().name());
        out.put("plugin", candidate.manifest().name() + " " + candidate.manifest().version());
        out.put("summary", report.summary());
        out.put("text", report.toText());
        out.put("json", report.toJson());
        out.put("sarif", report.toSarif());
        out.put("deny", listed(report, Severity.DENY, maxListed));
        out.put("warn", listed(report, Severity.WARN, maxListed));
        out.put("denyCount", Integer.toString(report.count(Severity.DENY)));
        out.put("warnCount", Integer.toString(report.count(Severity.WARN)));
        out.put("classes", Integer.toString(report.classesScanned()));
        out.put("classBytes", Long.toString(report.classBytes()));
        out.put("jars", Integer.toString(report.jars().size()));
        return out;
    }

    /** The first findings of a severity, as the text report shows them. */
    private static String listed(ScanReport report, Severity severity, int max) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (Finding f : report.findings()) {
            if (f.severity() != severity) {
                continue;
            }
            if (n++ == max) {
                break;
            }
            b.append(String.format(Locale.ROOT, "%s %s: %s [%s]%n  %s%n", f.severity(), f.rule(), f.target(), f.reason(),
                    f.location()));
            f.reachedBy().ifPresent(p -> b.append("  ").append(p).append(System.lineSeparator()));
        }
        return b.toString();
    }

    private static Map<String, String> error(Map<String, String> out, Path archive, String message) {
        out.put("outcome", "ERROR");
        out.put("message", message);
        out.put("text", "Scan of " + archive + "\nERROR " + message + "\n");
        ObjectNode json = JSON.createObjectNode();
        json.put("archive", archive.toString());
        json.put("error", message);
        out.put("json", json.toPrettyString() + "\n");
        out.put("sarif", SarifLog.builder().addError(archive.toString(), message).toJson());
        return out;
    }
}
