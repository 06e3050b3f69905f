package dev.stigmem.loader;

import dev.stigmem.loader.internal.isolation.HostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A probe plugin tries every way in: Class.forName, setAccessible and privateLookupIn, against
 * another plugin and against a host-internal class. Each attempt must fail.
 */
// These probes do what the pre-scan refuses (Class.forName, setAccessible, privateLookupIn), so
// they load without the scan: the point is that the layers hold even when the scan misses
// something. The scan's own tests prove it refuses the same code.
class IsolationTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    static final String PROBE_BODY = """
            private volatile String report = "not started";
            @Override public void start(dev.stigmem.api.PluginContext ctx) {
                Object other = ((java.util.function.Supplier<?>) ctx).get();
                StringBuilder r = new StringBuilder();
                r.append("forName(other)=").append(attempt(() -> Class.forName(other.getClass().getName())));
                r.append("; forName(host)=").append(attempt(() -> Class.forName(ctx.getClass().getName())));
                r.append("; forName(hostLoader)=").append(attempt(
                        () -> Class.forName("dev.stigmem.loader.internal.archive.ArchiveReader")));
                r.append("; setAccessible(other)=").append(attempt(
                        () -> { other.getClass().getDeclaredField("secret").setAccessible(true); return null; }));
                r.append("; setAccessible(host)=").append(attempt(
                        () -> { ctx.getClass().getDeclaredField("hostSecret").setAccessible(true); return null; }));
                r.append("; privateLookupIn(other)=").append(attempt(() -> java.lang.invoke.MethodHandles.privateLookupIn(
                        other.getClass(), java.lang.invoke.MethodHandles.lookup())));
                r.append("; privateLookupIn(host)=").append(attempt(() -> java.lang.invoke.MethodHandles.privateLookupIn(
                        ctx.getClass(), java.lang.invoke.MethodHandles.lookup())));
                report = r.toString();
            }
            interface Attempt { Object run() throws Throwable; }
            static String attempt(Attempt a) {
                try { a.run(); return "succeeded"; } catch (Throwable t) { return t.getClass().getSimpleName(); }
            }
            @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(report); }
            """;

    static final String DENIED = "forName(other)=ClassNotFoundException; forName(host)=ClassNotFoundException; "
            + "forName(hostLoader)=ClassNotFoundException; setAccessible(other)=InaccessibleObjectException; "
            + "setAccessible(host)=InaccessibleObjectException; privateLookupIn(other)=IllegalAccessException; "
            + "privateLookupIn(host)=IllegalAccessException";

    String probe(JavacJar probe) {
        PluginLoader loader = PluginLoader.builder().workDirectory(work).withoutScanForTests().build();
        Path victimJar = JavacJar.explicitPlugin("victim.jar", "victim", "victim", manifest("victim"),
                "private final String secret = \"plugin-private\"; public String toString() { return secret; }").writeTo(tmp);
        try (LoadedPlugin victim = loader.load(victimJar); LoadedPlugin p = loader.load(probe.writeTo(tmp))) {
            p.plugin().start(new HostContext(victim.plugin()));
            return p.plugin().health().message();
        }
    }

    @Test
    void explicitModulePluginCannotReachAnotherPluginOrHostInternals() {
        assertThat(probe(JavacJar.explicitPlugin("probe.jar", "probe", "probe", manifest("probe"), PROBE_BODY)))
                .isEqualTo(DENIED);
    }

    @Test
    void plainJarPluginCannotReachAnotherPluginOrHostInternalsEither() {
        // An automatic module reads every module of the host's layer, yet sees only their exported packages.
        assertThat(probe(JavacJar.plainPlugin("probe.jar", "probe", manifest("probe"), PROBE_BODY)))
                .isEqualTo(DENIED);
    }

    @Test
    void probeCanReachWhatItOwnsSoTheDenialsAreReal() {
        String own = """
                private final String secret = "mine";
                private volatile String report = "";
                @Override public void start(dev.stigmem.api.PluginContext ctx) {
                    try {
                        Class<?> c = Class.forName("own.Entry");
                        c.getDeclaredField("secret").setAccessible(true);
                        java.lang.invoke.MethodHandles.privateLookupIn(c, java.lang.invoke.MethodHandles.lookup());
                        Class.forName("dev.stigmem.api.Plugin");
                        report = "ok";
                    } catch (Throwable t) { report = t.toString(); }
                }
                @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(report); }
                """;
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build()
                .load(JavacJar.explicitPlugin("own.jar", "own", "own", manifest("own-probe"), own).writeTo(tmp))) {
            p.plugin().start(new HostContext("nothing"));
            assertThat(p.plugin().health().message()).isEqualTo("ok");
        }
    }

    @Test
    void jdkModulesOutsideTheAllowlistCannotBeLoadedReflectively() {
        String body = """
                private volatile String report = "";
                @Override public void start(dev.stigmem.api.PluginContext ctx) {
                    report = IsolationProbe.load("java.net.http.HttpClient") + "; " + IsolationProbe.load("java.awt.Toolkit")
                            + "; " + IsolationProbe.load("javax.sql.DataSource") + "; " + IsolationProbe.load("java.beans.Introspector")
                            + "; " + IsolationProbe.load("javax.script.ScriptEngineManager") + "; " + IsolationProbe.load("javax.xml.parsers.DocumentBuilderFactory")
                            + "; " + IsolationProbe.load("java.util.List");
                }
                @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(report); }
                """;
        Path jar = JavacJar.explicitPlugin("jdk.jar", "jdkprobe", "jdkprobe", manifest("jdk-probe"), body)
                .source("jdkprobe/IsolationProbe.java", """
                        package jdkprobe;
                        final class IsolationProbe {
                            static String load(String name) {
                                try { Class.forName(name); return name + "=loaded"; }
                                catch (ClassNotFoundException e) { return name + "=ClassNotFoundException"; }
                            }
                        }
                        """)
                .writeTo(tmp);
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build().load(jar)) {
            p.plugin().start(new HostContext("nothing"));
            // java.desktop and java.sql are allowed for one package each (java.beans, java.sql), not as a whole;
            // java.scripting and java.xml for the module edge only.
            assertThat(p.plugin().health().message()).isEqualTo("java.net.http.HttpClient=ClassNotFoundException; "
                    + "java.awt.Toolkit=ClassNotFoundException; javax.sql.DataSource=ClassNotFoundException; "
                    + "java.beans.Introspector=loaded; javax.script.ScriptEngineManager=ClassNotFoundException; "
                    + "javax.xml.parsers.DocumentBuilderFactory=ClassNotFoundException; java.util.List=loaded");
        }
    }

    @Test
    void reflectionExampleIsStoppedByTheModuleSystemAtRunTime() {
        // The pre-scan is meant to refuse this plugin before loading; if it ran, JPMS still says no.
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build().load(Examples.get("bad-reflection.jar"))) {
            HostContext host = new HostContext("nothing");
            assertThatThrownBy(() -> p.plugin().start(host))
                    .isInstanceOf(java.lang.reflect.InaccessibleObjectException.class)
                    .hasMessageContaining("module dev.stigmem.loader does not \"opens dev.stigmem.loader.internal.isolation\" "
                            + "to module com.example.bad.reflection");
        }
    }

    @Test
    void hostClassReachedThroughTheSystemClassLoaderStaysSealed() {
        // Without a SecurityManager any code can ask for the system class loader and load a class of
        // a host module with it (the pre-scan denies that call). Loading is not access: the module
        // system still refuses every way into a package the host neither exports nor opens.
        String body = """
                private volatile String report = "";
                @Override public void start(dev.stigmem.api.PluginContext ctx) {
                    try {
                        Class<?> c = ClassLoader.getSystemClassLoader().loadClass(ctx.getClass().getName());
                        report = "loaded; newInstance=" + attempt(() -> c.getConstructor(Object.class).newInstance("x"))
                                + "; setAccessible=" + attempt(() -> { c.getDeclaredField("hostSecret").setAccessible(true); return null; })
                                + "; privateLookupIn=" + attempt(() -> java.lang.invoke.MethodHandles.privateLookupIn(
                                        c, java.lang.invoke.MethodHandles.lookup()))
                                + "; tccl=" + (Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
                    } catch (Throwable t) { report = t.toString(); }
                }
                interface Attempt { Object run() throws Throwable; }
                static String attempt(Attempt a) {
                    try { a.run(); return "succeeded"; } catch (Throwable t) { return t.getClass().getSimpleName(); }
                }
                static volatile boolean constructedWithOwnTccl =
                        Thread.currentThread().getContextClassLoader() == Entry.class.getClassLoader();
                @Override public dev.stigmem.api.Health health() {
                    return dev.stigmem.api.Health.degraded(report + "; constructedWithOwnTccl=" + constructedWithOwnTccl);
                }
                """;
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build()
                .load(JavacJar.explicitPlugin("sys.jar", "sysprobe", "sysprobe", manifest("sys-probe"), body).writeTo(tmp))) {
            p.plugin().start(new HostContext("nothing"));
            assertThat(p.plugin().health().message()).isEqualTo("loaded; newInstance=IllegalAccessException; "
                    + "setAccessible=InaccessibleObjectException; privateLookupIn=IllegalAccessException; tccl=false; "
                    + "constructedWithOwnTccl=true");
            assertThat(p.classLoader()).isSameAs(p.plugin().getClass().getClassLoader());
        }
    }

    @Test
    void plainJarPluginIsNotOpenToAnotherPluginHoldingItsObject() {
        PluginLoader loader = PluginLoader.builder().workDirectory(work).withoutScanForTests().build();
        Path victimJar = JavacJar.plainPlugin("plainvictim.jar", "plainvictim", manifest("plain-victim"),
                "private final String secret = \"plugin-private\"; public String toString() { return secret; }").writeTo(tmp);
        try (LoadedPlugin victim = loader.load(victimJar);
             LoadedPlugin p = loader.load(JavacJar.explicitPlugin("probe.jar", "probe", "probe", manifest("probe"), PROBE_BODY).writeTo(tmp))) {
            p.plugin().start(new HostContext(victim.plugin()));
            assertThat(p.plugin().health().message()).isEqualTo(DENIED);
        }
    }

    @Test
    void plainJarPluginCannotUseHostModulesOutsideTheAllowlist() {
        // The host exports org.slf4j; an automatic module would read it. The sealed plain jar does not.
        String body = """
                private volatile String report = "";
                @Override public void start(dev.stigmem.api.PluginContext ctx) {
                    try { Class.forName("org.slf4j.LoggerFactory"); report = "loaded"; }
                    catch (ClassNotFoundException e) { report = "ClassNotFoundException"; }
                }
                @Override public dev.stigmem.api.Health health() { return dev.stigmem.api.Health.degraded(report); }
                """;
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).withoutScanForTests().build()
                .load(JavacJar.plainPlugin("hostapi.jar", "hostapi", manifest("host-api"), body).writeTo(tmp))) {
            p.plugin().start(new HostContext("nothing"));
            assertThat(p.plugin().health().message()).isEqualTo("ClassNotFoundException");
        }
    }
}
