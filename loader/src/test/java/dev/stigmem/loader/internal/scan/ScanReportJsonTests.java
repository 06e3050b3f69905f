package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The JSON rendering: fixed shape, byte-identical for equal input, whatever the scheduling. */
class ScanReportJsonTests {

    @Test
    void reportRendersAsJsonWithFixedFieldOrderAndOmittedAbsentValues() {
        ScanReport report = scan(archive(compile(Map.of("p/Direct.java", CapabilityScanTests.DIRECT))), "audit.emit");

        assertThat(report.toJson()).isEqualTo("""
                {
                  "archive" : "test-plugin.zip",
                  "verdict" : "REJECT",
                  "summary" : {
                    "deny" : 1,
                    "warn" : 1,
                    "info" : 0,
                    "classes" : 1,
                    "classBytes" : %d
                  },
                  "jars" : [
                    "plugin.jar"
                  ],
                  "findings" : [
                    {
                      "severity" : "WARN",
                      "rule" : "capability.unused",
                      "target" : "audit.emit",
                      "reason" : "Declared but never used (least privilege: drop it, or explain the need). Emit audit events. Does not grant read access to audit history.",
                      "jar" : "plugin.jar"
                    },
                    {
                      "severity" : "DENY",
                      "rule" : "capability.accessor",
                      "target" : "dev.stigmem.api.PluginContext#getFactsWriter()Ljava/util/Optional;",
                      "reason" : "getFactsWriter needs capability 'facts.write', which the manifest does not declare",
                      "jar" : "plugin.jar",
                      "entry" : "p/Direct.class",
                      "class" : "p.Direct",
                      "method" : "start(Ldev/stigmem/api/PluginContext;)V",
                      "line" : 6
                    }
                  ]
                }
                """.formatted(report.classBytes()));
    }

    @Test
    void reportRendersAsTextWithReasonLocationAndSummary() {
        ScanReport report = scan(archive(compile(Map.of("p/Direct.java", CapabilityScanTests.DIRECT))));

        assertThat(report.toText()).isEqualTo("""
                Scan of test-plugin.zip
                DENY capability.accessor: dev.stigmem.api.PluginContext#getFactsWriter()Ljava/util/Optional; [getFactsWriter needs capability 'facts.write', which the manifest does not declare]
                  in p.Direct.start(Ldev/stigmem/api/PluginContext;)V (plugin.jar!p/Direct.class:6)
                REJECT: 1 findings (1 deny, 0 warn, 0 info) in 1 classes (%d bytes) of 1 jars
                """.formatted(report.classBytes()));
    }

    @Test
    void parallelAndSequentialScansRenderByteIdenticalJson() {
        Map<String, String> sources = new TreeMap<>();
        String[] texts = {CapabilityScanTests.DIRECT, CapabilityScanTests.HANDLES};
        for (int i = 0; i < 80; i++) {
            String name = i % 2 == 0 ? "Direct" : "Handles";
            sources.put("p" + i + "/" + name + ".java", texts[i % 2].replace("package p;", "package p" + i + ";"));
        }
        var image = archive(compile(sources));
        var manifest = TestArchives.manifest("recall.read");

        String parallel = BytecodeScanner.scan(image, manifest, dev.stigmem.loader.scan.ScanPolicy.shipped()).toJson();
        String sequential = BytecodeScanner.scan(image, manifest, dev.stigmem.loader.scan.ScanPolicy.shipped(), Runnable::run).toJson();
        String again = BytecodeScanner.scan(image, manifest, dev.stigmem.loader.scan.ScanPolicy.shipped()).toJson();

        assertThat(parallel).isEqualTo(sequential).isEqualTo(again);
        assertThat(parallel).contains("\"deny\" : 120");
    }
}
