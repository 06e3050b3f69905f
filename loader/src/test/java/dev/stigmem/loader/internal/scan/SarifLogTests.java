package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.jar;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.stigmem.loader.scan.SarifLog;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The SARIF 2.1.0 rendering: valid against the OASIS schema (committed as a test resource, see
 * {@code src/test/resources/sarif/README.md}), with rule ids, reasons as help text and locations a
 * code-scanning UI shows (jar entry, class and method, line).
 */
class SarifLogTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String EXEC = """
            package p;
            import dev.stigmem.api.*;
            public final class Exec implements Plugin {
                @Override
                public void start(PluginContext ctx) {
                    try {
                        Runtime.getRuntime().exec(new String[] {"id"});
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            """;

    /** Validates a log against the SARIF 2.1.0 schema; returns the errors, empty when valid. */
    static List<String> schemaErrors(String sarif) {
        try (InputStream in = SarifLogTests.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            assertThat(in).as("the committed SARIF 2.1.0 schema").isNotNull();
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
            List<String> errors = new ArrayList<>();
            for (Error e : schema.validate(sarif, InputFormat.JSON)) {
                errors.add(e.toString());
            }
            return errors;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void schemaRejectsWhatIsNotSarif() {
        // The validator really validates: a log without version or with an unknown level fails.
        assertThat(schemaErrors("{\"runs\": []}")).isNotEmpty();
        assertThat(schemaErrors("""
                {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                  "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}
                """)).isNotEmpty();
    }

    @Test
    void findingsBecomeResultsWithRuleEntryClassMethodAndLine() throws IOException {
        ScanReport report = scan(archive(compile(Map.of("p/Exec.java", EXEC))), "audit.emit");
        String sarif = report.toSarif();

        assertThat(schemaErrors(sarif)).isEmpty();
        JsonNode run = JSON.readTree(sarif).get("runs").get(0);
        assertThat(JSON.readTree(sarif).get("version").asText()).isEqualTo("2.1.0");
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("stigmem");

        // Rules: sorted by id, the policy's reason as help, the built-in rule's description.
        JsonNode rules = run.at("/tool/driver/rules");
        assertThat(rules.findValuesAsText("id")).containsExactly("capability.unused", "process.spawn");
        JsonNode spawn = rules.get(1);
        assertThat(spawn.at("/help/text").asText())
                .isEqualTo("Starts or controls operating-system processes, outside the plugin's layer and the node's control");
        assertThat(spawn.at("/defaultConfiguration/level").asText()).isEqualTo("error");
        assertThat(spawn.at("/name").asText()).isEqualTo("ProcessSpawn");
        assertThat(rules.get(0).at("/help/text").asText()).startsWith("A capability is declared but no code");
        assertThat(rules.get(0).at("/defaultConfiguration/level").asText()).isEqualTo("warning");

        // Artifacts: the archive (a zip), its jar, the class file entry.
        JsonNode artifacts = run.get("artifacts");
        assertThat(artifacts.get(0).at("/location/uri").asText()).isEqualTo("test-plugin.zip");
        assertThat(artifacts.get(0).at("/roles/0").asText()).isEqualTo("analysisTarget");
        assertThat(artifacts.get(1).at("/location/uri").asText()).isEqualTo("plugin.jar");
        assertThat(artifacts.get(1).get("parentIndex").asInt()).isZero();

        JsonNode results = run.get("results");
        assertThat(results).hasSize(report.findings().size());
        JsonNode exec = null;
        for (JsonNode r : results) {
            if (r.get("ruleId").asText().equals("process.spawn")) {
                exec = r;
            }
        }
        assertThat(exec).isNotNull();
        assertThat(exec.get("ruleIndex").asInt()).isEqualTo(1);
        assertThat(exec.get("level").asText()).isEqualTo("error");
        assertThat(exec.at("/message/text").asText())
                .isEqualTo("java.lang.Runtime#exec([Ljava/lang/String;)Ljava/lang/Process;: "
                        + "Starts or controls operating-system processes, outside the plugin's layer and the node's control");
        // Where: the source file below the source root (from the class's SourceFile attribute and
        // package), the line from its line numbers; the class file in the archive as related location.
        assertThat(exec.get("locations")).hasSize(1);
        JsonNode location = exec.at("/locations/0");
        assertThat(location.at("/physicalLocation/artifactLocation/uri").asText()).isEqualTo("p/Exec.java");
        assertThat(location.at("/physicalLocation/artifactLocation/uriBaseId").asText()).isEqualTo(SarifLog.SOURCE_ROOT);
        assertThat(location.at("/physicalLocation/region/startLine").asInt()).isEqualTo(7);
        assertThat(run.at("/originalUriBaseIds/SRCROOT/description/text").asText()).contains("src/main/java");
        JsonNode classFile = exec.at("/relatedLocations/0");
        assertThat(classFile.at("/physicalLocation/artifactLocation/uri").asText()).isEqualTo("p/Exec.class");
        int entry = classFile.at("/physicalLocation/artifactLocation/index").asInt();
        assertThat(artifacts.get(entry).get("parentIndex").asInt()).isEqualTo(1);
        assertThat(classFile.at("/physicalLocation/region/startLine").asInt()).isEqualTo(7);
        assertThat(classFile.at("/message/text").asText()).isEqualTo("the compiled class file in the archive");
        assertThat(location.at("/logicalLocations/0/fullyQualifiedName").asText())
                .isEqualTo("p.Exec.start(Ldev/stigmem/api/PluginContext;)V");
        assertThat(location.at("/logicalLocations/0/name").asText()).isEqualTo("start");
        assertThat(location.at("/logicalLocations/0/kind").asText()).isEqualTo("function");
        assertThat(exec.at("/properties/severity").asText()).isEqualTo("DENY");

        assertThat(run.at("/properties/archives/0/verdict").asText()).isEqualTo("REJECT");
        assertThat(run.at("/invocations/0/executionSuccessful").asBoolean()).isTrue();
    }

    @Test
    void libraryFindingsPointAtTheirOwnJarAndLogsAreByteIdentical() {
        var image = archive(compile(Map.of("p/Direct.java", CapabilityScanTests.DIRECT)),
                jar("lib with space.jar", compile(Map.of("q/Exec.java", EXEC.replace("package p;", "package q;")))));
        String first = scan(image).toSarif();
        String second = scan(image).toSarif();

        assertThat(first).isEqualTo(second).endsWith("}\n").doesNotContain("\r");
        assertThat(schemaErrors(first)).isEmpty();
        assertThat(first).contains("\"uri\" : \"lib%20with%20space.jar\"", "\"uri\" : \"q/Exec.class\"");
    }

    @Test
    void cleanReportIsAValidLogWithoutResults() throws IOException {
        ScanReport report = scan(archive(compile(Map.of("p/Clean.java", """
                package p;
                public final class Clean implements dev.stigmem.api.Plugin {
                }
                """))));
        String sarif = report.toSarif();

        assertThat(schemaErrors(sarif)).isEmpty();
        JsonNode run = JSON.readTree(sarif).get("runs").get(0);
        assertThat(run.get("results")).isEmpty();
        assertThat(run.at("/tool/driver/rules")).isEmpty();
        assertThat(run.at("/properties/archives/0/verdict").asText()).isEqualTo("ACCEPT");
    }

    @Test
    void refusedDeclarationsReviewItemsAndUnreadableArchivesAreValidToo() throws IOException {
        String sarif = SarifLog.builder()
                .addResult("plugins/bad-manifest.jar", SarifLog.DECLARATION_RULE, Severity.DENY, "unused",
                        "invalid manifest: name 'X' does not match ^[a-z][a-z0-9-]{2,63}$", Optional.empty())
                .addResult("/tmp/abs dir/a.jar", "review.capability.broad", Severity.WARN, "Broad access: reject unless needed.",
                        "facts.write (high impact): can change what the node stores", Optional.of("com.example.Entry"))
                .addError("plugins/corrupt.zip", "plugins/corrupt.zip: is not a valid zip")
                .toJson();

        assertThat(schemaErrors(sarif)).isEmpty();
        JsonNode run = JSON.readTree(sarif).get("runs").get(0);
        assertThat(run.at("/invocations/0/executionSuccessful").asBoolean()).isFalse();
        assertThat(run.at("/invocations/0/toolExecutionNotifications/0/message/text").asText()).contains("not a valid zip");
        assertThat(run.at("/tool/driver/rules/0/id").asText()).isEqualTo("plugin.declaration");
        assertThat(run.at("/tool/driver/rules/0/help/text").asText()).startsWith("The archive's declaration is refused");
        assertThat(run.at("/results/1/locations/0/physicalLocation/artifactLocation/uri").asText())
                .isEqualTo("file:///tmp/abs%20dir/a.jar");
        assertThat(run.at("/results/1/locations/0/logicalLocations/0/kind").asText()).isEqualTo("type");
        assertThat(run.at("/results/1/locations/0/logicalLocations/0/name").asText()).isEqualTo("Entry");
    }

    /** The class files with their SourceFile attribute replaced ({@code null}: removed, as {@code javac -g:none} leaves it). */
    private static Map<String, byte[]> withSourceFile(Map<String, byte[]> classes, String sourceFile) {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        classes.forEach((name, bytes) -> {
            var reader = new net.bytebuddy.jar.asm.ClassReader(bytes);
            var writer = new net.bytebuddy.jar.asm.ClassWriter(0);
            reader.accept(new net.bytebuddy.jar.asm.ClassVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9, writer) {
                @Override
                public void visitSource(String source, String debug) {
                    if (sourceFile != null) {
                        super.visitSource(sourceFile, debug);
                    }
                }
            }, 0);
            out.put(name, writer.toByteArray());
        });
        return out;
    }

    @Test
    void withoutAPlainSourceFileNameTheClassFileIsTheLocation() throws IOException {
        for (String sourceFile : new String[] {null, "../../etc/passwd", "a/Exec.java", "Exec.java\nEVIL"}) {
            ScanReport report = scan(archive(withSourceFile(compile(Map.of("p/Exec.java", EXEC)), sourceFile)), "audit.emit");
            assertThat(report.findings()).allSatisfy(f -> assertThat(f.sourcePath()).isEmpty());
            String sarif = report.toSarif();
            assertThat(schemaErrors(sarif)).as(sourceFile).isEmpty();
            JsonNode run = JSON.readTree(sarif).get("runs").get(0);
            assertThat(run.has("originalUriBaseIds")).isFalse();
            List<JsonNode> spawns = new ArrayList<>();
            run.get("results").forEach(r -> {
                if (r.get("ruleId").asText().equals("process.spawn")) {
                    spawns.add(r);
                }
            });
            assertThat(spawns).as(sourceFile).isNotEmpty().allSatisfy(r -> {
                assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("p/Exec.class");
                assertThat(r.has("relatedLocations")).isFalse();
            });
        }
        // A plain name other than the class's is used as given: Kotlin and javac with -g name files their own way.
        ScanReport renamed = scan(archive(withSourceFile(compile(Map.of("p/Exec.java", EXEC)), "Tools.kt")), "audit.emit");
        assertThat(renamed.findings()).filteredOn(f -> f.className().isPresent()).isNotEmpty()
                .extracting(f -> f.sourcePath().orElseThrow()).containsOnly("p/Tools.kt");
    }
}
