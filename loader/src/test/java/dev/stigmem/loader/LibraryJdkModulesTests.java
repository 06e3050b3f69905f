package dev.stigmem.loader;

import dev.stigmem.api.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDK modules the shipped policy allows for popular libraries (java.logging, java.sql, java.beans
 * of java.desktop): their ordinary use passes the pre-scan, loads and runs, from an explicit module
 * and from a plain jar; every member denied there is refused by the pre-scan. (The runtime guard's
 * refusals of the same members: JdkGuardTests in module guard.)
 */
class LibraryJdkModulesTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    static final String ORDINARY = """
            static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("lib.Entry");
            public static class Bean { public int getSize() { return 1; } public void setSize(int s) { } }
            @Override public dev.stigmem.api.Health health() {
                LOG.fine("checked");
                try {
                    String property = java.beans.Introspector.getBeanInfo(Bean.class, Object.class).getPropertyDescriptors()[0].getName();
                    java.sql.Timestamp at = java.sql.Timestamp.valueOf("2026-12-01 10:00:00");
                    return dev.stigmem.api.Health.degraded(LOG.getName() + " " + property + " " + at.toLocalDateTime());
                } catch (java.beans.IntrospectionException e) {
                    throw new IllegalStateException(e);
                }
            }
            """;

    @Test
    void anExplicitModuleUsingTheLibraryJdkModulesTheOrdinaryWayPassesTheScanLoadsAndRuns() {
        Path jar = JavacJar.named("ordinary.jar")
                .source("module-info.java", "module ordinary { requires dev.stigmem.api; requires java.logging; requires java.sql; "
                        + "requires java.desktop; provides dev.stigmem.api.Plugin with lib.Entry; }")
                .source("lib/Entry.java", "package lib; " + manifest("ordinary")
                        + " public final class Entry implements dev.stigmem.api.Plugin {" + ORDINARY + "}")
                .writeTo(tmp);
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).build().load(jar)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("lib.Entry size 2026-12-01T10:00"));
        }
    }

    @Test
    void aPlainJarUsingThemRunsToo() {
        Path jar = JavacJar.plainPlugin("plain-ordinary.jar", "lib", manifest("plain-ordinary"), ORDINARY).writeTo(tmp);
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).build().load(jar)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("lib.Entry size 2026-12-01T10:00"));
        }
    }

    @Test
    void everyDeniedMemberOfThemIsRefusedByTheScan() {
        // Called from start(): the JDK policy judges code that can run.
        String body = """
                @Override public void start(dev.stigmem.api.PluginContext context) {
                    try { all(); more(); } catch (Exception e) { throw new IllegalStateException(e); }
                    set();
                }
                static Object[] all() throws Exception {
                    return new Object[] {
                        java.util.logging.LogManager.getLogManager(),
                        java.util.logging.Logger.getLogger("").getHandlers(),
                        new java.util.logging.FileHandler("x.log"),
                        new java.util.logging.SocketHandler("localhost", 9),
                        java.sql.DriverManager.getConnection("jdbc:none:x"),
                        new java.beans.XMLDecoder(new java.io.ByteArrayInputStream(new byte[0])),
                        new java.beans.Statement("", "length", new Object[0]),
                        java.beans.Beans.instantiate(null, "x.Y"),
                    };
                }
                static void set() {
                    java.util.logging.Logger.getLogger("").addHandler(new java.util.logging.ConsoleHandler());
                    java.util.logging.Logger.getLogger("x").setLevel(java.util.logging.Level.OFF);
                    java.beans.Introspector.setBeanInfoSearchPath(new String[0]);
                    java.beans.PropertyEditorManager.registerEditor(String.class, null);
                    java.beans.Beans.setDesignTime(true);
                    java.util.logging.Logger.getLogger("x").setUseParentHandlers(false);
                    java.util.logging.Logger.getLogger("x").setParent(java.util.logging.Logger.getGlobal());
                    java.util.logging.Logger.getLogger("x", "r.Msgs");
                    new java.util.logging.Level("CHANNEL", 1234) { };
                    java.beans.Introspector.flushCaches();
                    try {
                        java.beans.BeanInfo shared = java.beans.Introspector.getBeanInfo(Thread.class);
                        shared.getBeanDescriptor().setValue("channel", "x");
                        shared.getPropertyDescriptors()[0].setReadMethod(null);
                        shared.getMethodDescriptors()[0].setDisplayName("forged");
                        Entry.class.getProtectionDomain();
                    } catch (java.beans.IntrospectionException e) {
                        throw new IllegalStateException(e);
                    }
                }
                static Object more() {
                    return new Object[] {
                        java.beans.EventHandler.create(Runnable.class, new Object(), "toString"),
                        new java.beans.XMLEncoder(new java.io.ByteArrayOutputStream()),
                        new java.beans.Expression("", "length", new Object[0]),
                    };
                }
                """;
        Path jar = JavacJar.named("reaching.jar")
                .source("module-info.java", "module reaching { requires dev.stigmem.api; requires java.logging; requires java.sql; "
                        + "requires java.desktop; provides dev.stigmem.api.Plugin with r.Entry; }")
                .source("r/Entry.java", "package r; " + manifest("reaching")
                        + " public final class Entry implements dev.stigmem.api.Plugin {" + body + "}")
                .writeTo(tmp);
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(work).build().load(jar))
                .isInstanceOf(PluginRejectedException.class)
                .hasMessageContaining("DENY logging.global: java.util.logging.LogManager#getLogManager")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#getHandlers")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#addHandler")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#setLevel")
                .hasMessageContaining("DENY logging.output: java.util.logging.FileHandler")
                .hasMessageContaining("DENY logging.output: java.util.logging.SocketHandler")
                .hasMessageContaining("DENY sql.drivers: java.sql.DriverManager")
                .hasMessageContaining("DENY beans.dynamic: java.beans.XMLDecoder")
                .hasMessageContaining("DENY beans.dynamic: java.beans.Statement")
                .hasMessageContaining("DENY beans.dynamic: java.beans.Beans#instantiate")
                .hasMessageContaining("DENY beans.global: java.beans.Introspector#setBeanInfoSearchPath")
                .hasMessageContaining("DENY beans.global: java.beans.PropertyEditorManager#registerEditor")
                .hasMessageContaining("DENY beans.global: java.beans.Beans#setDesignTime")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#setUseParentHandlers")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#setParent")
                .hasMessageContaining("DENY beans.dynamic: java.beans.EventHandler")
                .hasMessageContaining("DENY beans.dynamic: java.beans.XMLEncoder")
                .hasMessageContaining("DENY beans.dynamic: java.beans.Expression")
                .hasMessageContaining("DENY logging.global: java.util.logging.Logger#getLogger(Ljava/lang/String;Ljava/lang/String;)")
                .hasMessageContaining("DENY logging.global: java.util.logging.Level#<init>")
                .hasMessageContaining("DENY beans.global: java.beans.Introspector#flushCaches")
                .hasMessageContaining("DENY beans.global: java.beans.BeanDescriptor#setValue")
                .hasMessageContaining("DENY beans.global: java.beans.PropertyDescriptor#setReadMethod")
                .hasMessageContaining("DENY beans.global: java.beans.MethodDescriptor#setDisplayName")
                .hasMessageContaining("DENY class.define: java.lang.Class#getProtectionDomain")
                .hasMessageNotContaining("java.util.logging.Logger#getLogger(Ljava/lang/String;)");
    }

    @Test
    void aLibraryModuleRequiringAnEdgeOnlyModuleLoadsButThosePackagesStayRefused() throws java.io.IOException {
        // As jsoup requires java.xml and commons-text java.scripting, for features a plugin need not use.
        Path dir = java.nio.file.Files.createDirectory(tmp.resolve("edge"));
        Path lib = JavacJar.named("textlib.jar")
                .source("module-info.java", "module textlib { requires transitive java.xml; requires java.scripting; requires java.compiler; exports t; }")
                .source("t/Text.java", "package t; public final class Text {"
                        + " public static String upper(String s) { return s.toUpperCase(java.util.Locale.ROOT); }"
                        + " public static Object script() { return new javax.script.ScriptEngineManager(); }"
                        + " public static javax.lang.model.element.Modifier modifier() { return javax.lang.model.element.Modifier.FINAL; } }")
                .writeTo(dir);
        JavacJar.named("user.jar")
                .source("module-info.java", "module user { requires dev.stigmem.api; requires textlib; provides dev.stigmem.api.Plugin with u.Entry; }")
                .source("u/Entry.java", "package u; " + manifest("edge-user") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(t.Text.upper(\"ok\") + \" \" + t.Text.modifier()); } }")
                .against(lib).writeTo(dir);
        // The layer links it (no scan: this holds whatever the pre-scan decides about the unused script method).
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build().load(dir)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("OK final"));
        }
        // With the scan: the script method is unreachable (INFO), so the archive loads all the same...
        java.util.List<dev.stigmem.loader.scan.ScanReport> reports = new java.util.ArrayList<>();
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).onScan((c, r) -> reports.add(r)).build().load(dir)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("OK final"));
        }
        assertThat(reports.get(0).findings("reference.not-allowed")).isNotEmpty()
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(dev.stigmem.loader.scan.Severity.INFO));
        // ...and a plugin that calls it is refused.
        Path calling = java.nio.file.Files.createDirectory(tmp.resolve("calling"));
        java.nio.file.Files.copy(lib, calling.resolve("textlib.jar"));
        JavacJar.named("user.jar")
                .source("module-info.java", "module user { requires dev.stigmem.api; requires textlib; provides dev.stigmem.api.Plugin with u.Entry; }")
                .source("u/Entry.java", "package u; " + manifest("edge-user") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(String.valueOf(t.Text.script())); } }")
                .against(lib).writeTo(calling);
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(work).build().load(calling))
                .isInstanceOf(PluginRejectedException.class)
                .hasMessageContaining("reference.not-allowed: javax.script.ScriptEngineManager")
                .hasMessageNotContaining("javax.lang.model.element.Modifier [");
    }

    @Test
    void librariesReadTheirOwnAllowedSwitchesAndThePlatformsName() {
        String body = """
                @Override public dev.stigmem.api.Health health() {
                    return dev.stigmem.api.Health.degraded(System.getProperty("jsoup.useRe2j", "unset") + " "
                            + System.getProperty("com.fasterxml.jackson.core.util.BufferRecyclers.trackReusableBuffers") + " "
                            + (System.getProperty("java.runtime.name") != null));
                }
                """;
        Path jar = JavacJar.plainPlugin("switches.jar", "sw", manifest("switches"), body).writeTo(tmp);
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).build().load(jar)) {
            assertThat(p.plugin().health()).isEqualTo(Health.degraded("unset null true"));
        }
        Path other = JavacJar.plainPlugin("home.jar", "hm", manifest("home"),
                "static String home() { return System.getProperty(\"jsoup.useRe2j.user.home\"); }"
                        + " @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(home()); }").writeTo(tmp);
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(work).build().load(other))
                .isInstanceOf(PluginRejectedException.class).hasMessageContaining("DENY system.properties");
    }

    @Test
    void theRestOfJavaDesktopAndJavaSqlStaysRefused() {
        Path jar = JavacJar.named("awt.jar")
                .source("module-info.java", "module awt { requires dev.stigmem.api; requires java.sql; requires java.desktop; "
                        + "provides dev.stigmem.api.Plugin with a.Entry; }")
                .source("a/Entry.java", "package a; " + manifest("awt") + " public final class Entry implements dev.stigmem.api.Plugin {"
                        + " @Override public void start(dev.stigmem.api.PluginContext c) { desktop(); pool(null); }"
                        + " static Object desktop() { return java.awt.Toolkit.getDefaultToolkit(); }"
                        + " static Object pool(javax.sql.DataSource d) { return d; } }")
                .writeTo(tmp);
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(work).build().load(jar))
                .isInstanceOf(PluginRejectedException.class)
                .hasMessageContaining("DENY reference.not-allowed: java.awt.Toolkit")
                .hasMessageContaining("DENY reference.not-allowed: javax.sql.DataSource");
    }
}
