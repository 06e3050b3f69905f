package dev.stigmem.loader;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.internal.isolation.HostContext;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the scan calls unlinkable really cannot be linked by the plugin's layer: real jars, loaded by
 * the real loader with the scan on, whose reachable code touches a class the layer cannot resolve;
 * the scan accepts them with a WARN, and running the code fails with a linkage error. A
 * {@code requires static} of a module the policy does not allow is accepted and creates no edge.
 */
class UnlinkableReferenceTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    /** Runs {@code touch()} of a nested class in {@code start} and reports what it threw. */
    private static final String PROBE = """
            private volatile String report = "not started";
            @Override public void start(dev.stigmem.api.PluginContext ctx) {
                try { report = "linked " + Touch.touch(); } catch (LinkageError e) { report = e.getClass().getSimpleName(); }
            }
            @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(report); }
            """;

    private String run(Path jar, List<ScanReport> reports) {
        PluginLoader loader = PluginLoader.builder().workDirectory(work).onScan((c, r) -> reports.add(r)).build();
        try (LoadedPlugin p = loader.load(jar)) {
            p.plugin().start(new HostContext("nothing"));
            return p.plugin().health().message();
        }
    }

    private static List<String> brief(ScanReport report, String rule) {
        return report.findings(rule).stream().map(f -> f.severity() + " " + f.target()).toList();
    }

    @Test
    void unsafeOfAModuleThePolicyDoesNotAllowIsUnlinkableAndReallyFailsToLink() {
        Path jar = JavacJar.plainPlugin("unsafe.jar", "unsafe", manifest("unsafe-probe"), PROBE)
                .source("unsafe/Touch.java", """
                        package unsafe;
                        final class Touch {
                            static Object touch() { return sun.misc.Unsafe.class.getName(); }
                        }
                        """).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();

        assertThat(run(jar, reports)).isEqualTo("NoClassDefFoundError");
        ScanReport report = reports.get(0);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(brief(report, RuleIds.REFERENCE_UNLINKABLE)).containsExactly("WARN sun.misc.Unsafe");
        assertThat(report.findings(RuleIds.REFERENCE_UNLINKABLE).get(0).reason())
                .contains("module jdk.unsupported is not one the policy allows", "NoClassDefFoundError");
    }

    @Test
    void reflectionBehindUnsafeClassIsInfoAndReallyNeverRuns() {
        // A library's fallback: the reflection after Unsafe.class never runs, since the ldc fails first
        // (LinkageFlow); were it to run, the probe would report "linked" or the handler's "no unsafe".
        Path jar = JavacJar.plainPlugin("fallback.jar", "fallback", manifest("fallback-probe"), PROBE)
                .source("fallback/Touch.java", """
                        package fallback;
                        final class Touch {
                            static Object touch() {
                                try {
                                    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                                    f.setAccessible(true);
                                    return f.get(null);
                                } catch (ReflectiveOperationException e) {
                                    return "no unsafe";
                                }
                            }
                        }
                        """).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();

        assertThat(run(jar, reports)).isEqualTo("NoClassDefFoundError");
        ScanReport report = reports.get(0);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(report.findings("reflection")).isNotEmpty().allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.reason()).contains("never runs");
        });
    }

    @Test
    void aClassInNoModuleTheLayerSeesIsUnlinkableAndReallyFailsToLink() {
        Path lib = JavacJar.named("absent-lib.jar").source("absent/Gone.java", """
                package absent;
                public final class Gone { public static String name() { return "gone"; } }
                """).writeTo(tmp);
        Path jar = JavacJar.plainPlugin("absent.jar", "missing", manifest("missing-probe"), PROBE)
                .source("missing/Touch.java", """
                        package missing;
                        final class Touch {
                            static Object touch() { return absent.Gone.name(); }
                        }
                        """).against(lib).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();

        assertThat(run(jar, reports)).isEqualTo("NoClassDefFoundError");
        assertThat(reports.get(0).verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(brief(reports.get(0), RuleIds.REFERENCE_UNLINKABLE)).containsExactly("WARN absent.Gone");
    }

    @Test
    void aPackageALibraryModuleDoesNotExportIsUnlinkableAndReallyFailsToLink() throws java.io.IOException {
        Path dir = java.nio.file.Files.createDirectory(tmp.resolve("hiding"));
        Path lib = JavacJar.named("hiding-lib.jar")
                .source("module-info.java", "module hiding { exports hiding.api; exports hiding.friends to some.friend; }")
                .source("hiding/api/Open.java", "package hiding.api; public final class Open { public static String name() { return \"open\"; } }")
                .source("hiding/friends/Near.java", "package hiding.friends; public final class Near { public static String name() { return \"near\"; } }")
                .source("hiding/internal/Secret.java",
                        "package hiding.internal; public final class Secret { public static String name() { return \"secret\"; } }")
                .writeTo(dir);
        JavacJar.plainPlugin("hidden.jar", "hidden", manifest("hidden-probe"), PROBE)
                .source("hidden/Touch.java", """
                        package hidden;
                        final class Touch {
                            static Object touch() { return hiding.api.Open.name() + hiding.internal.Secret.name(); }
                            static Object near() { return hiding.friends.Near.name(); }
                        }
                        """).against(lib).writeTo(dir);
        List<ScanReport> reports = new ArrayList<>();

        assertThat(run(dir, reports)).isEqualTo("IllegalAccessError");
        ScanReport report = reports.get(0);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        // A package exported to another module only is as closed to this one; in code nothing reaches, INFO.
        assertThat(brief(report, RuleIds.REFERENCE_UNLINKABLE))
                .containsExactlyInAnyOrder("WARN hiding.internal.Secret", "INFO hiding.friends.Near");
        assertThat(report.findings(RuleIds.REFERENCE_UNLINKABLE)).extracting(Finding::reason)
                .anySatisfy(r -> assertThat(r).contains("module hiding does not export package hiding.internal to module hidden",
                        "IllegalAccessError"));
    }

    @Test
    void aModuleAnAllowedOneRequiresTransitivelyIsReadSoItsClassesAreNoUnlinkableReference() {
        // A plain jar's sealed module requires every allowed module, so it reads what java.sql requires
        // transitively (java.transaction.xa): Xid links. Called unlinkable, the scan took Xid.class for an
        // instruction that always fails and what follows it for code that never runs.
        Path jar = JavacJar.plainPlugin("xa.jar", "xa", manifest("xa-probe"), PROBE)
                .source("xa/Touch.java", """
                        package xa;
                        final class Touch {
                            static Object touch() { return javax.transaction.xa.Xid.class.getName(); }
                        }
                        """).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();
        PluginLoader loader = PluginLoader.builder().workDirectory(work).onScan((c, r) -> reports.add(r)).build();
        PluginLoader unscanned = PluginLoader.builder().workDirectory(work).withoutScanForTests().build();
        String linked;
        try (LoadedPlugin p = unscanned.load(jar)) {
            p.plugin().start(new HostContext("nothing"));
            linked = p.plugin().health().message();
        }

        assertThat(linked).isEqualTo("linked javax.transaction.xa.Xid");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(jar)).isInstanceOf(PluginLoadException.class);
        assertThat(reports.get(0).findings(RuleIds.REFERENCE_UNLINKABLE)).isEmpty();
        assertThat(brief(reports.get(0), RuleIds.REFERENCE_NOT_ALLOWED)).contains("DENY javax.transaction.xa.Xid");
    }

    @Test
    void theJdkDefinesAProxyClassInThePluginsOwnLoaderWhichFindsItByName() {
        // Why a name like p.$Proxy7 is no instruction that always fails (ReferenceJudge#failsEverywhere): reading
        // a package-private annotation makes the JDK define its proxy in the plugin's package and loader, and
        // the loader (as resolution does) finds it by name from then on. Unscanned: only the JVM is asked.
        Path jar = JavacJar.plainPlugin("proxy.jar", "proxied", manifest("proxy-probe"), PROBE)
                .source("proxied/Touch.java", """
                        package proxied;
                        @Touch.Mark
                        final class Touch {
                            @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
                            @interface Mark {}
                            static Object touch() {
                                String name = Touch.class.getAnnotation(Mark.class).getClass().getName();
                                try {
                                    Class<?> found = Class.forName(name, false, Touch.class.getClassLoader());
                                    return name.startsWith("proxied.$Proxy") + " " + (found.getClassLoader() == Touch.class.getClassLoader());
                                } catch (ClassNotFoundException e) {
                                    return "not found " + name;
                                }
                            }
                        }
                        """).writeTo(tmp);
        PluginLoader unscanned = PluginLoader.builder().workDirectory(work).withoutScanForTests().build();

        try (LoadedPlugin p = unscanned.load(jar)) {
            p.plugin().start(new HostContext("nothing"));
            assertThat(p.plugin().health().message()).isEqualTo("linked true true");
        }
    }

    @Test
    void aLinkableDangerousClassStaysDenied() {
        Path jar = JavacJar.plainPlugin("spawn.jar", "spawn", manifest("spawn-probe"), PROBE)
                .source("spawn/Touch.java", """
                        package spawn;
                        final class Touch {
                            static Object touch() { return new ProcessBuilder("true"); }
                        }
                        """).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();
        PluginLoader loader = PluginLoader.builder().workDirectory(work).onScan((c, r) -> reports.add(r)).build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(jar)).isInstanceOf(PluginLoadException.class);
        assertThat(reports.get(0).findings()).filteredOn(f -> f.severity() == Severity.DENY)
                .extracting(Finding::rule).contains("process.spawn");
        assertThat(reports.get(0).findings(RuleIds.REFERENCE_UNLINKABLE)).isEmpty();
    }

    @Test
    void requiresStaticOfModulesThePolicyDoesNotAllowIsAcceptedAndCreatesNoEdge() {
        Path annotations = JavacJar.named("annotations.jar")
                .source("module-info.java", "module org.jetbrains.annotations { exports org.jetbrains.annotations; }")
                .source("org/jetbrains/annotations/Nullable.java", """
                        package org.jetbrains.annotations;
                        public @interface Nullable {}
                        """).writeTo(tmp.resolve(".."));
        // jdk.unsupported is in the host's boot layer here: without the loader dropping the requires static,
        // the resolver would make the plugin read it, and sun.misc.Unsafe would link.
        assertThat(ModuleLayer.boot().findModule("jdk.unsupported")).isPresent();
        Path jar = JavacJar.named("optional.jar")
                .source("module-info.java", """
                        module optional {
                            requires dev.stigmem.api;
                            requires static jdk.unsupported;
                            requires static org.jetbrains.annotations;
                            provides dev.stigmem.api.Plugin with optional.Entry;
                        }
                        """)
                .source("optional/Entry.java", "package optional;\n" + manifest("optional-probe")
                        + "\npublic final class Entry implements dev.stigmem.api.Plugin {\n" + PROBE + "\n}\n")
                .source("optional/Touch.java", """
                        package optional;
                        final class Touch {
                            @org.jetbrains.annotations.Nullable
                            static Object touch() { return sun.misc.Unsafe.class.getName(); }
                        }
                        """).against(annotations).writeTo(tmp);
        List<ScanReport> reports = new ArrayList<>();

        assertThat(run(jar, reports)).isEqualTo("NoClassDefFoundError");
        ScanReport report = reports.get(0);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(brief(report, RuleIds.MODULE_REQUIRES_STATIC))
                .containsExactly("INFO jdk.unsupported", "INFO org.jetbrains.annotations");
        assertThat(report.findings(RuleIds.MODULE_REQUIRES_STATIC).get(0).reason()).contains("creates no edge");
    }

    @Test
    void aPlainRequiresOfAModuleThePolicyDoesNotAllowStaysRefused() {
        Path jar = JavacJar.named("required.jar")
                .source("module-info.java", """
                        module required {
                            requires dev.stigmem.api;
                            requires jdk.unsupported;
                            provides dev.stigmem.api.Plugin with required.Entry;
                        }
                        """)
                .source("required/Entry.java", "package required;\n" + manifest("required-probe")
                        + "\npublic final class Entry implements dev.stigmem.api.Plugin {\n" + PROBE + "\n}\n")
                .source("required/Touch.java", """
                        package required;
                        final class Touch {
                            static Object touch() { return "nothing"; }
                        }
                        """).writeTo(tmp);
        PluginLoader loader = PluginLoader.builder().workDirectory(work).build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(jar))
                .isInstanceOf(PluginLoadException.class).hasMessageContaining("jdk.unsupported");
    }
}
