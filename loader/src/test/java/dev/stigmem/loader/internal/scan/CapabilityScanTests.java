package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.jar;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static dev.stigmem.loader.internal.scan.TestArchives.scanSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Capability findings, in every form of reference the JVM can reach an accessor or a handle by. */
class CapabilityScanTests {

    private static final String PC = "dev.stigmem.api.PluginContext";
    private static final String START = "start(Ldev/stigmem/api/PluginContext;)V";

    static final String DIRECT = """
            package p;
            import dev.stigmem.api.*;
            public final class Direct implements Plugin {
                @Override
                public void start(PluginContext ctx) {
                    ctx.getFactsWriter();
                }
            }
            """;

    @Test
    void undeclaredAccessorCalledDirectlyIsDenied() {
        ScanReport report = scanSource("p/Direct.java", DIRECT);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getFactsWriter()Ljava/util/Optional; @ p.Direct." + START + ":6");
        Finding f = report.findings().get(0);
        assertThat(f.jar()).isEqualTo("plugin.jar");
        assertThat(f.entry()).contains("p/Direct.class");
        assertThat(f.reason()).isEqualTo("getFactsWriter needs capability 'facts.write', which the manifest does not declare");
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    @Test
    void declaredAccessorCalledDirectlyPasses() {
        ScanReport report = scanSource("p/Direct.java", DIRECT, "facts.write");

        assertThat(report.findings()).isEmpty();
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void undeclaredAccessorThroughSubInterfaceDeclaredInThePluginIsDenied() {
        ScanReport report = scanSource("p/Sub.java", """
                package p;
                import dev.stigmem.api.*;
                interface Ctx extends PluginContext {}
                interface Ctx2 extends Ctx {}
                public final class Sub implements Plugin {
                    public void start(PluginContext ctx) {
                        Ctx2 c = (Ctx2) ctx;
                        c.getRecallWriter();
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor p.Ctx2#getRecallWriter()Ljava/util/Optional; @ p.Sub." + START + ":8");
    }

    @Test
    void undeclaredAccessorThroughAnAbstractClassImplementingPluginContextIsDenied() {
        ScanReport report = scanSource("p/Wrap.java", """
                package p;
                import dev.stigmem.api.*;
                abstract class Base implements PluginContext {}
                public final class Wrap {
                    Object go(Base b) {
                        return b.getConfigReader();
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor p.Base#getConfigReader()Ljava/util/Optional; @ p.Wrap.go(Lp/Base;)Ljava/lang/Object;:6");
    }

    @Test
    void sameNamedMethodOnATypeThatIsNotAPluginContextPasses() {
        ScanReport report = scanSource("p/Lookalike.java", """
                package p;
                import java.util.Optional;
                public final class Lookalike {
                    Optional<String> getRecallWriter() { return Optional.empty(); }
                    void use() { getRecallWriter(); }
                }
                """);

        assertThat(report.findings()).isEmpty();
    }

    @Test
    void undeclaredAccessorInsideALambdaBodyIsDenied() {
        ScanReport report = scanSource("p/Lam.java", """
                package p;
                import dev.stigmem.api.*;
                public final class Lam implements Plugin {
                    public void start(PluginContext ctx) {
                        Runnable r = () -> {
                            ctx.getAuditReader();
                        };
                        r.run();
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getAuditReader()Ljava/util/Optional; @ p.Lam.lambda$start$0(Ldev/stigmem/api/PluginContext;)V:6");
    }

    @Test
    void undeclaredAccessorAsMethodReferenceIsDenied() {
        ScanReport report = scanSource("p/Ref.java", """
                package p;
                import dev.stigmem.api.*;
                import java.util.function.Supplier;
                public final class Ref implements Plugin {
                    public void start(PluginContext ctx) {
                        Supplier<?> s = ctx::getIdentityReader;
                        s.get();
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getIdentityReader()Ljava/util/Optional; @ p.Ref." + START + ":6");
    }

    @Test
    void undeclaredAccessorInANestedClassIsDenied() {
        ScanReport report = scanSource("p/Outer.java", """
                package p;
                import dev.stigmem.api.*;
                public final class Outer {
                    static final class Inner {
                        void go(PluginContext c) {
                            c.getTenantWriter();
                        }
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getTenantWriter()Ljava/util/Optional; @ p.Outer$Inner.go(Ldev/stigmem/api/PluginContext;)V:6");
        assertThat(report.findings().get(0).entry()).contains("p/Outer$Inner.class");
    }

    @Test
    void undeclaredAccessorInAMultiReleaseEntryIsDenied() {
        Map<String, byte[]> classes = compile(Map.of("p/Direct.java", DIRECT));
        Map<String, byte[]> clean = compile(Map.of("p/Direct.java", DIRECT.replace("ctx.getFactsWriter();", "ctx.pluginName();")));
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMulti-Release: true\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        entries.put("p/Direct.class", clean.get("p/Direct.class"));
        entries.put("META-INF/versions/11/p/Direct.class", classes.get("p/Direct.class"));

        ScanReport report = scan(archive(entries));

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getFactsWriter()Ljava/util/Optional; @ p.Direct." + START + ":6");
        assertThat(report.findings().get(0).entry()).contains("META-INF/versions/11/p/Direct.class");
    }

    @Test
    void undeclaredAccessorInABundledLibraryJarIsDenied() {
        Map<String, byte[]> library = compile(Map.of("lib/Helper.java", DIRECT.replace("package p;", "package lib;")
                .replace("Direct", "Helper")));

        ScanReport report = scan(archive(Map.of(), jar("lib-helper.jar", library)));

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + PC + "#getFactsWriter()Ljava/util/Optional; @ lib.Helper." + START + ":6");
        assertThat(report.findings().get(0).jar()).isEqualTo("lib-helper.jar");
        assertThat(report.findings().get(0).jarIndex()).isEqualTo(1);
    }

    static final String HANDLES = """
            package p;
            import dev.stigmem.api.core.FactsWriter;
            public final class Handles {
                private FactsWriter writer;
                boolean drop(FactsWriter w) {
                    return w.retract("id", "why");
                }
            }
            """;

    @Test
    void handleTypeUsedWithoutItsCapabilityIsDenied() {
        ScanReport report = scanSource("p/Handles.java", HANDLES);

        String fw = "dev.stigmem.api.core.FactsWriter";
        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.handle " + fw + " @ p.Handles.-:-1",
                "DENY capability.handle " + fw + " @ p.Handles.drop(Ldev/stigmem/api/core/FactsWriter;)Z:6");
        // One finding per rule, target and method: the signature's and the call's reference are one, at the call's line.
        assertThat(report.findings().get(1).occurrences()).isEqualTo(2);
        assertThat(report.findings().get(0).reason())
                .isEqualTo("FactsWriter is the handle of capability 'facts.write', which the manifest does not declare");
    }

    @Test
    void handleTypeUsedWithItsCapabilityPasses() {
        assertThat(scanSource("p/Handles.java", HANDLES, "facts.write").findings()).isEmpty();
    }

    @Test
    void declaredButUnusedCapabilityIsWarnedWithTheReviewGuidance() {
        ScanReport report = scanSource("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0",
                               capabilities = {"facts.read", "audit.emit"})
                public final class Entry implements Plugin {
                    public void start(PluginContext ctx) {
                        ctx.getFactsReader();
                    }
                }
                """, "facts.read", "audit.emit");

        assertThat(brief(report.findings())).containsExactly("WARN capability.unused audit.emit @ p.Entry.-:-1");
        Finding f = report.findings().get(0);
        assertThat(f.entry()).contains("p/Entry.class");
        assertThat(f.reason()).endsWith(Capability.AUDIT_EMIT.reviewGuidance());
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void everyCapabilityIsFoundByItsAccessorDerivedFromTheApi() {
        Map<String, String> sources = new TreeMap<>();
        for (Capability c : Capability.values()) {
            sources.put("c" + c.ordinal() + "/Direct.java", DIRECT.replace("getFactsWriter", c.accessorName())
                    .replace("package p;", "package c" + c.ordinal() + ";"));
        }
        Map<String, byte[]> classes = compile(sources);
        for (Capability c : Capability.values()) {
            var image = archive(Map.of("Direct.class", classes.get("c" + c.ordinal() + "/Direct.class")));

            ScanReport denied = scan(image);
            ScanReport allowed = scan(image, c.id());

            assertThat(denied.findings(RuleIds.CAPABILITY_ACCESSOR)).singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains("'" + c.id() + "'"));
            assertThat(allowed.findings()).as(c.id()).isEmpty();
        }
    }
}
