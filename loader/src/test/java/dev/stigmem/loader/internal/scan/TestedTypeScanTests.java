package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scanReachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JDK class the policy denies, only tested or cast to ({@code instanceof}, {@code checkcast}) in
 * reachable code, is INFO: nothing is done with it. Every route that does something with it (a
 * member, a constructor, a JDK call taking it, a subclass) stays a DENY, reachable code each time.
 */
class TestedTypeScanTests {

    private static ScanReport scan(String startBody, String members) {
        return scanReachable(archive(compile(Map.of("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    static Object seen = "x";
                    @Override public void start(PluginContext context) { %s }
                    %s
                }
                """.formatted(startBody, members)))));
    }

    private static List<Finding> about(ScanReport report, String target) {
        return report.findings().stream().filter(f -> f.target().startsWith(target)).toList();
    }

    @Test
    void anInstanceofTestOfADeniedClassIsInfo() {
        // The shape of jackson-core's ContentReference#equals.
        ScanReport report = scan("if (seen instanceof java.io.File || seen instanceof java.lang.ClassLoader) { seen = seen.toString(); }", "");

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(about(report, "java.io.File")).as(report.toText()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.rule()).isEqualTo("filesystem");
            assertThat(f.reason()).startsWith("only tested or cast to");
        });
        assertThat(about(report, "java.lang.ClassLoader")).singleElement().extracting(Finding::severity).isEqualTo(Severity.INFO);
    }

    @Test
    void aCastAloneIsInfo() {
        ScanReport report = scan("Object f = (java.io.File) seen;", "");

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(about(report, "java.io.File")).singleElement().extracting(Finding::severity).isEqualTo(Severity.INFO);
    }

    @Test
    void usingTheTestedObjectStaysDenied() {
        // Each route does something with the object after the test: a member, a constructor, a JDK
        // call whose descriptor names it, a method of the archive that declares it, a subclass.
        List<String> routes = List.of(
                "if (seen instanceof java.io.File) { ((java.io.File) seen).delete(); }",
                "if (seen instanceof java.io.File) { seen = new java.io.File(\"/etc/passwd\"); }",
                "if (seen instanceof java.io.File) { try { new java.util.Scanner((java.io.File) seen); } catch (Exception e) { } }",
                "if (seen instanceof ClassLoader) { try { ((ClassLoader) seen).loadClass(\"x\"); } catch (Exception e) { } }",
                "if (seen instanceof java.lang.invoke.MethodHandles.Lookup) { ((java.lang.invoke.MethodHandles.Lookup) seen).lookupClass(); }");
        for (String route : routes) {
            ScanReport report = scan(route, "");
            assertThat(report.verdict()).as(route + "\n" + report.toText()).isEqualTo(ScanReport.Verdict.REJECT);
        }
        ScanReport subclass = scan("seen = new Sub();", "static final class Sub extends ClassLoader { }");
        assertThat(subclass.verdict()).as(subclass.toText()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    @Test
    void aCapabilityHandleOnlyTestedStaysAbsolute() {
        ScanReport report = scan("if (seen instanceof dev.stigmem.api.core.FactsReader) { seen = \"reader\"; }", "");

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.REJECT);
        assertThat(report.findings()).as(report.toText()).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.DENY);
            assertThat(f.rule()).isEqualTo("capability.handle");
        });
    }
}
