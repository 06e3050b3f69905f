package dev.stigmem.loader.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Scan reports (and results other tools add, such as a review's) as one SARIF 2.1.0 log, the
 * format code-scanning UIs and IDEs read: one run of the tool {@code stigmem}, one result per
 * finding.
 *
 * <p>Mapping:
 * <ul>
 *   <li>a rule id ({@code network.raw}, {@code capability.accessor}, ...) is a
 *       {@code reportingDescriptor} of {@code tool.driver.rules}, sorted by id; its help text is the
 *       reason every finding of that rule states (the policy's reason), or, for a built-in rule
 *       whose reason names the capability, the rule's own description;</li>
 *   <li>a finding is a {@code result}: {@link Severity#DENY} is level {@code error}, {@code WARN}
 *       {@code warning}, {@code INFO} {@code note}; its message is the target and the finding's
 *       reason;</li>
 *   <li>where: when the class file names its source file (the {@code SourceFile} attribute
 *       {@code javac} writes by default), the result's location is that source file below the
 *       source root, {@code com/example/Foo.java} relative to the {@code uriBaseId}
 *       {@value #SOURCE_ROOT} (declared in {@code run.originalUriBaseIds}), with the line from the
 *       class's line numbers as its region: what code-scanning UIs match against a repository. The
 *       archive entry (a class file, with its jar and, for a zip or a directory, the archive as
 *       parents in {@code run.artifacts}) is then its related location; without a source file
 *       name it is the location itself. The class and method are the logical location.
 *       Archive-wide findings point at the jar.</li>
 * </ul>
 * Equal input gives byte-identical text ({@code \n} line ends, fixed field order, results in the
 * order added, reports in their own order).
 *
 * <p>Example:
 * <pre>{@code
 * String sarif = SarifLog.builder().add(report).toJson();
 * }</pre>
 * Not thread-safe; build one log per thread.
 */
public final class SarifLog {

    /** The SARIF version written. */
    public static final String VERSION = "2.1.0";
    /** The {@code $schema} written: the SARIF 2.1.0 schema as published in the JSON Schema Store. */
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** The tool name in {@code tool.driver.name}. */
    public static final String TOOL = "stigmem";
    /** The {@code uriBaseId} of source file locations: the plugin's source root ({@code src/main/java} in a Maven project). */
    public static final String SOURCE_ROOT = "SRCROOT";
    /** The rule id of an archive whose declaration the loader refuses (no bytecode report). */
    public static final String DECLARATION_RULE = "plugin.declaration";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    /** What the built-in rules check, for their descriptors (their findings' reasons vary). */
    private static final Map<String, String> BUILT_IN = Map.of(
            RuleIds.CAPABILITY_ACCESSOR, "Code references a gated PluginContext accessor whose capability the manifest "
                    + "does not declare. Declare the capability in @StigmemPlugin(capabilities = ...), or remove the call.",
            RuleIds.CAPABILITY_HANDLE, "Code references the handle type of a capability the manifest does not declare. "
                    + "Declare the capability in @StigmemPlugin(capabilities = ...), or remove the use.",
            RuleIds.CAPABILITY_UNUSED, "A capability is declared but no code of the archive references its accessor or "
                    + "handle (least privilege: drop it, or explain the need).",
            RuleIds.REFERENCE_NOT_ALLOWED, "Code references a class outside the archive, the api and the packages the "
                    + "scan policy allows: bundle the library, or use the api.",
            RuleIds.MODULE_REQUIRES, "A module of the archive requires a module that is neither allowed by the scan "
                    + "policy nor in the archive.",
            RuleIds.MODULE_REQUIRES_STATIC, "A module of the archive requires static a module that is neither allowed by "
                    + "the scan policy nor in the archive: accepted, the layer creates no edge to it.",
            RuleIds.REFERENCE_UNLINKABLE, "Code references a class the plugin's layer cannot link (a JDK module the policy "
                    + "does not allow, a package not exported, a class in no module): it fails with NoClassDefFoundError "
                    + "if reached.",
            DECLARATION_RULE, "The archive's declaration is refused before any bytecode is judged: no or several entry "
                    + "classes, an invalid @StigmemPlugin manifest, or a module requires outside the allowlist.");

    private SarifLog() {
    }

    /** An empty log; {@link Builder#toJson()} of it is a valid log with no results. */
    public static Builder builder() {
        return new Builder();
    }

    /** The SARIF level of a severity: {@code error}, {@code warning} or {@code note}. */
    public static String level(Severity severity) {
        return switch (severity) {
            case DENY -> "error";
            case WARN -> "warning";
            case INFO -> "note";
        };
    }

    /**
     * A URI reference for a file name or path as written ({@code plugins/a b.jar} becomes
     * {@code plugins/a%20b.jar}); an absolute path becomes a {@code file:} URI. Separators are
     * {@code /}.
     */
    public static String uri(String path) {
        String p = path.replace('\\', '/');
        try {
            if (p.startsWith("/")) {
                return new URI("file", "", p, null).toASCIIString();
            }
            return new URI(null, null, p, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot express " + path + " as a URI reference: " + e.getMessage(), e);
        }
    }

    /** Accumulates results; {@link #toJson()} renders the log. */
    public static final class Builder {
        private final Map<String, Rule> rules = new TreeMap<>();
        private final List<Artifact> artifacts = new ArrayList<>();
        private final Map<String, Integer> artifactIndex = new LinkedHashMap<>();
        private final List<ObjectNode> results = new ArrayList<>();
        private final List<ObjectNode> notifications = new ArrayList<>();
        private final List<ObjectNode> archives = new ArrayList<>();
        private Optional<String> toolVersion = defaultToolVersion();
        private boolean sourceLocations;

        private Builder() {
        }

        /** The version in {@code tool.driver.version}; by default the loader's module or package version, if known. */
        public Builder toolVersion(String version) {
            this.toolVersion = Optional.of(version);
            return this;
        }

        /** Every finding of a report, and the archive's verdict in the run's properties. */
        public Builder add(ScanReport report) {
            Objects.requireNonNull(report, "report");
            int archive = archive(report.archive());
            boolean singleJar = report.archive().endsWith(".jar");
            for (Finding f : report.findings()) {
                int jar = singleJar ? archive : artifact(report.archive() + "!" + f.jar(), f.jar(), archive);
                int where = f.entry().map(e -> artifact(report.archive() + "!" + f.jar() + "!" + e, e, jar)).orElse(jar);
                String help = BUILT_IN.getOrDefault(f.rule(), f.reason());
                Rule rule = rules.computeIfAbsent(f.rule(), id -> new Rule(id, help));
                rule.see(f.severity());
                ObjectNode r = result(f.rule(), f.severity(), f.target() + ": " + f.reason()
                        + f.reachedBy().map(p -> " (" + p + ")").orElse(""), where, f.line());
                f.sourcePath().ifPresent(source -> atSource(r, source, f.line()));
                logical(r, f.className(), f.method());
                ObjectNode props = r.putObject("properties");
                props.put("severity", f.severity().name());
                props.put("target", f.target());
                if (f.occurrences() > 1) {
                    props.put("occurrences", f.occurrences());
                }
                if (!f.path().isEmpty()) {
                    f.path().forEach(props.putArray("path")::add);
                }
                props.put("archive", report.archive());
                props.put("jar", f.jar());
                results.add(r);
            }
            ObjectNode a = MAPPER.createObjectNode();
            a.put("archive", report.archive());
            a.put("verdict", report.verdict().name());
            a.put("summary", report.summary());
            archives.add(a);
            return this;
        }

        /**
         * A result that is not a scan finding: a refused declaration, a review item. Its location is
         * the archive; {@code className}, when given, is its logical location (for example the
         * entry class).
         *
         * @param archive   the archive as the operator named it
         * @param ruleId    the rule id (for example {@link #DECLARATION_RULE} or a review item's)
         * @param severity  its weight
         * @param help      the rule's help text: why the rule exists and what to do
         * @param message   this result's message
         * @param className the class it concerns, if any
         */
        public Builder addResult(String archive, String ruleId, Severity severity, String help, String message,
                                 Optional<String> className) {
            int a = archive(archive);
            Rule rule = rules.computeIfAbsent(ruleId, id -> new Rule(id, BUILT_IN.getOrDefault(id, help)));
            rule.see(severity);
            ObjectNode r = result(ruleId, severity, message, a, OptionalInt.empty());
            logical(r, className, Optional.empty());
            ObjectNode props = r.putObject("properties");
            props.put("severity", severity.name());
            props.put("archive", archive);
            results.add(r);
            return this;
        }

        /**
         * An archive the tool could not judge (corrupt, unsafe, over a bound): a tool execution
         * notification of level {@code error}, and the run's invocation is marked unsuccessful.
         */
        public Builder addError(String archive, String message) {
            int a = archive(archive);
            ObjectNode n = MAPPER.createObjectNode();
            n.put("level", "error");
            n.putObject("message").put("text", message);
            ObjectNode loc = n.putArray("locations").addObject();
            ObjectNode al = loc.putObject("physicalLocation").putObject("artifactLocation");
            al.put("uri", artifacts.get(a).uri);
            al.put("index", a);
            notifications.add(n);
            return this;
        }

        /** The log, ending with a newline. */
        public String toJson() {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("$schema", SCHEMA);
            root.put("version", VERSION);
            ObjectNode run = root.putArray("runs").addObject();
            ObjectNode driver = run.putObject("tool").putObject("driver");
            driver.put("name", TOOL);
            toolVersion.ifPresent(v -> driver.put("version", v));
            ArrayNode ruleArray = driver.putArray("rules");
            List<String> ids = new ArrayList<>(rules.keySet());
            for (Rule rule : rules.values()) {
                ruleArray.add(rule.descriptor());
            }
            if (sourceLocations) {
                run.putObject("originalUriBaseIds").putObject(SOURCE_ROOT).putObject("description").put("text",
                        "The root of the plugin's source tree, where package directories start (src/main/java in a Maven project).");
            }
            ObjectNode invocation = run.putArray("invocations").addObject();
            invocation.put("executionSuccessful", notifications.isEmpty());
            if (!notifications.isEmpty()) {
                ArrayNode ns = invocation.putArray("toolExecutionNotifications");
                notifications.forEach(ns::add);
            }
            ArrayNode artifactArray = run.putArray("artifacts");
            for (Artifact a : artifacts) {
                ObjectNode n = artifactArray.addObject();
                n.putObject("location").put("uri", a.uri);
                if (a.parent >= 0) {
                    n.put("parentIndex", a.parent);
                } else {
                    n.putArray("roles").add("analysisTarget");
                }
            }
            ArrayNode resultArray = run.putArray("results");
            for (ObjectNode r : results) {
                ObjectNode copy = r.deepCopy();
                copy.put("ruleIndex", ids.indexOf(copy.get("ruleId").asText()));
                resultArray.add(reorder(copy));
            }
            ArrayNode archiveArray = run.putObject("properties").putArray("archives");
            archives.forEach(archiveArray::add);
            try {
                return WRITER.writeValueAsString(root) + "\n";
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("cannot render the SARIF log", e);
            }
        }

        /** The index of the archive's artifact, added on first use. */
        private int archive(String archive) {
            return artifact(archive, archive, -1);
        }

        private int artifact(String key, String path, int parent) {
            Integer i = artifactIndex.get(key);
            if (i != null) {
                return i;
            }
            artifacts.add(new Artifact(uri(path), parent));
            artifactIndex.put(key, artifacts.size() - 1);
            return artifacts.size() - 1;
        }

        private ObjectNode result(String ruleId, Severity severity, String message, int artifact, OptionalInt line) {
            ObjectNode r = MAPPER.createObjectNode();
            r.put("ruleId", ruleId);
            r.put("level", level(severity));
            r.putObject("message").put("text", message);
            ObjectNode physical = r.putArray("locations").addObject().putObject("physicalLocation");
            ObjectNode al = physical.putObject("artifactLocation");
            al.put("uri", artifacts.get(artifact).uri);
            al.put("index", artifact);
            line.ifPresent(l -> physical.putObject("region").put("startLine", Math.max(1, l)));
            return r;
        }

        /**
         * Moves a finding's class file location to its related locations and puts the source file,
         * below {@link #SOURCE_ROOT}, first: code-scanning UIs show the first location.
         */
        private void atSource(ObjectNode result, String sourcePath, OptionalInt line) {
            ArrayNode locations = (ArrayNode) result.get("locations");
            ObjectNode classFile = (ObjectNode) locations.remove(0);
            classFile.put("id", 1);
            classFile.putObject("message").put("text", "the compiled class file in the archive");
            ObjectNode physical = locations.addObject().putObject("physicalLocation");
            ObjectNode al = physical.putObject("artifactLocation");
            al.put("uri", uri(sourcePath));
            al.put("uriBaseId", SOURCE_ROOT);
            line.ifPresent(l -> physical.putObject("region").put("startLine", Math.max(1, l)));
            result.putArray("relatedLocations").add(classFile);
            sourceLocations = true;
        }

        private static void logical(ObjectNode result, Optional<String> className, Optional<String> method) {
            if (className.isEmpty()) {
                return;
            }
            ObjectNode location = (ObjectNode) result.get("locations").get(0);
            ObjectNode l = location.putArray("logicalLocations").addObject();
            String c = className.get();
            if (method.isPresent()) {
                String m = method.get();
                int paren = m.indexOf('(');
                l.put("name", paren < 0 ? m : m.substring(0, paren));
                l.put("fullyQualifiedName", c + "." + m);
                l.put("kind", "function");
            } else {
                int dot = c.lastIndexOf('.');
                l.put("name", c.substring(dot + 1));
                l.put("fullyQualifiedName", c);
                l.put("kind", "type");
            }
        }

        /** ruleId, ruleIndex, level, message, locations, relatedLocations, properties: the order readers expect. */
        private static ObjectNode reorder(ObjectNode r) {
            ObjectNode o = MAPPER.createObjectNode();
            for (String k : List.of("ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations", "properties")) {
                if (r.has(k)) {
                    o.set(k, r.get(k));
                }
            }
            return o;
        }

        private static Optional<String> defaultToolVersion() {
            Module m = SarifLog.class.getModule();
            if (m.isNamed() && m.getDescriptor() != null) {
                Optional<String> v = m.getDescriptor().rawVersion();
                if (v.isPresent()) {
                    return v;
                }
            }
            return Optional.ofNullable(SarifLog.class.getPackage().getImplementationVersion());
        }
    }

    private record Artifact(String uri, int parent) {
    }

    /** One rule as results use it: its help and the highest severity seen. */
    private static final class Rule {
        private final String id;
        private final String help;
        private Severity highest = Severity.INFO;

        Rule(String id, String help) {
            this.id = id;
            this.help = help;
        }

        void see(Severity severity) {
            if (severity.compareTo(highest) < 0) {
                highest = severity;
            }
        }

        ObjectNode descriptor() {
            ObjectNode d = MAPPER.createObjectNode();
            d.put("id", id);
            d.put("name", name(id));
            d.putObject("shortDescription").put("text", firstSentence(help));
            d.putObject("fullDescription").put("text", help);
            d.putObject("help").put("text", help);
            d.putObject("defaultConfiguration").put("level", level(highest));
            ObjectNode props = d.putObject("properties");
            props.putArray("tags").add("security").add("stigmem");
            return d;
        }

        /** {@code network.raw} becomes {@code NetworkRaw}, {@code reference.not-allowed} {@code ReferenceNotAllowed}. */
        static String name(String id) {
            StringBuilder b = new StringBuilder();
            for (String part : id.split("[^A-Za-z0-9]+")) {
                if (!part.isEmpty()) {
                    b.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
                }
            }
            return b.length() == 0 ? "Rule" : b.toString();
        }

        static String firstSentence(String text) {
            int dot = text.indexOf(". ");
            return dot < 0 ? text : text.substring(0, dot + 1);
        }
    }
}
