package dev.stigmem.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.JdkAccessError;
import dev.stigmem.loader.scan.ScanPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runtime JDK guard against a hostile module in a real layer: several routes per family (direct
 * call, method reference, lambda called back by the JDK, JDK wrappers around the choke point, a
 * method handle from a bootstrap's full-privilege Lookup, a JDK pool), each refused with the rule,
 * and the same calls from host code untouched.
 */
class JdkGuardTests {

    static HostileLayer hostile;
    static PluginDomain domain;
    static final List<GuardRefusal> REFUSALS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void load(@TempDir Path dir) {
        JdkGuard.install(ScanPolicy.shipped());
        // The guard module does not read java.logging or java.desktop; its tests look at them from the host's side.
        for (String m : List.of("java.logging", "java.desktop")) {
            JdkGuardTests.class.getModule().addReads(ModuleLayer.boot().findModule(m).orElseThrow());
        }
        hostile = HostileLayer.compile(dir, "hostile", Map.of(
                "module-info.java", "module hostile { requires java.logging; requires java.sql; requires java.desktop; exports p; }",
                "p/Attacks.java", HostileSources.ATTACKS, "p/LibraryJdk.java", HostileSources.LIBRARY_JDK,
                "p/Missed.java", HostileSources.MISSED), IndyClass.calling("p/Indy", "p/Attacks", "boot"));
        domain = JdkGuard.enclose(hostile.layer, "hostile-plugin", 4, REFUSALS::add);
    }

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource({
            // environment and properties
            "envDirect, system.properties",
            "envMap, system.properties",
            "envByMethodReference, system.properties",
            "envThroughJdkCallback, system.properties",
            "envThroughComparator, system.properties",
            "userHome, system.properties",
            "tmpDirWithDefault, system.properties",
            "integerGetInteger, system.properties",
            "processEnvironment, process.spawn",
            // processes
            "processBuilderStart, process.spawn",
            "runtimeExec, process.spawn",
            "processHandleCurrent, process.spawn",
            // files, by every route
            "fileInputStream, filesystem",
            "fileReaderWrapper, filesystem",
            "randomAccessFile, filesystem",
            "fileList, filesystem",
            "stdinAvailable, filesystem",
            "stdinThroughReader, filesystem",
            "stdinThroughScanner, filesystem",
            "nioReadString, filesystem",
            "nioNewByteChannel, filesystem",
            "nioWrite, filesystem",
            "scannerOverPath, filesystem",
            "zipFile, filesystem",
            "printStreamToFile, filesystem",
            // name resolution and sockets
            "inetAddressByName, network.resolve",
            "inetSocketAddressResolves, network.resolve",
            "socketConnect, network.raw",
            "socketChannelOpen, network.raw",
            "serverSocket, network.raw",
            "datagramSocket, network.raw",
            // JVM-wide state
            "localeSetDefault, jvm.global",
            "timeZoneSetDefault, jvm.global",
            "securityAddProvider, jvm.global",
            "providerPut, jvm.global",
            "providerSetPropertyRoute, jvm.global",
            "shutdownHook, jvm.global",
            "systemSetOut, jvm.global",
            "defaultUncaughtHandler, jvm.global",
            // class definition, reflection, lookups
            "lookup, lookup",
            "publicLookupFindStatic, lookup",
            "classForName, reflection",
            "getDeclaredMethods, reflection",
            "classLoaderOfHost, class.define",
            "ownClassLoader, class.define",
            "newClassLoader, class.define",
            "moduleLayerBoot, class.define",
            "bootLayerFindLoader, class.define",
            "bootLayerHostModuleLoader, class.define",
            "stackWalkerHostLoader, class.define",
            "proxy, reflection",
            "methodTypeFromString, lookup",
            // shared JDK pools
            "commonPoolRunAsync, thread.pool.shared",
            "thenApplyAsyncDefault, thread.pool.shared",
            "parallelStream, thread.pool.shared",
            // exit
            "systemExit, vm.exit",
            "runtimeHalt, vm.exit",
            "nativeLoad, native.load",
    })
    void hostileCallIsRefused(String attack, String rule) {
        int before = REFUSALS.size();
        assertThatThrownBy(() -> hostile.call("p.Attacks", attack))
                .satisfies(e -> assertThat(e).as(() -> String.valueOf(e)).isInstanceOf(JdkAccessError.class))
                .satisfies(e -> {
                    JdkAccessError j = (JdkAccessError) e;
                    assertThat(j.pluginName()).isEqualTo("hostile-plugin");
                    assertThat(j.ruleId()).isEqualTo(rule);
                    assertThat(j.getMessage()).startsWith("plugin 'hostile-plugin' cannot call ").contains("rule '" + rule + "'");
                });
        assertThat(REFUSALS.size()).as("audited through the host's listener").isGreaterThan(before);
    }

    @ParameterizedTest(name = "{0} is refused ({1})")
    @CsvSource({
            "julRootHandler, logging.global",
            "julRootHandlers, logging.global",
            "julReset, logging.global",
            "julReadConfiguration, logging.global",
            "julSetLevel, logging.global",
            "julNoParentHandlers, logging.global",
            "julFileHandler, filesystem",
            "julSocketHandler, network.raw",
            "driverManagerDrivers, sql.drivers",
            "driverManagerConnection, sql.drivers",
            "introspectorSearchPath, beans.global",
            "propertyEditorRegistry, beans.global",
            "beansInstantiate, beans.dynamic",
            "xmlDecoder, beans.dynamic",
            "statementExecute, beans.dynamic",
            "expressionValue, beans.dynamic",
            "eventHandler, beans.dynamic",
            "beansDesignTime, beans.global",
            "julBundleOnSharedLogger, logging.global",
            "julCustomLevel, logging.global",
            "beansSharedDescriptorValue, beans.global",
            "beansSharedPropertyRenamed, beans.global",
            "beansSharedReadMethod, beans.global",
            "beansFlushCaches, beans.global",
            "protectionDomainLoader, class.define",
    })
    void libraryJdkModulesMembersThatReachJvmWideStateOrOutsideAreRefused(String attack, String rule) {
        assertThatThrownBy(() -> hostile.call("p.LibraryJdk", attack))
                .satisfies(e -> assertThat(e).as(() -> String.valueOf(e)).isInstanceOf(JdkAccessError.class))
                .satisfies(e -> assertThat(((JdkAccessError) e).ruleId()).isEqualTo(rule));
        assertThatCode(() -> assertThat(hostile.call("p.LibraryJdk", "sharedLogger")).as("unchanged").isEqualTo("null true"))
                .doesNotThrowAnyException();
    }

    @Test
    void sharedLoggersLevelsAndBeanDescriptorsStayAsTheHostSeesThem() throws Exception {
        // After the refused attempts above (whichever order they ran in), nothing a plugin tried is visible to the host.
        for (String attack : List.of("julBundleOnSharedLogger", "julCustomLevel", "beansSharedDescriptorValue", "beansSharedPropertyRenamed")) {
            assertThatThrownBy(() -> hostile.call("p.LibraryJdk", attack)).isInstanceOf(JdkAccessError.class);
        }
        assertThat(java.util.logging.Logger.getLogger("com.example.bundled").getResourceBundleName()).isNull();
        assertThatThrownBy(() -> java.util.logging.Level.parse("STIGMEM_CHANNEL")).isInstanceOf(IllegalArgumentException.class);
        java.beans.BeanInfo thread = java.beans.Introspector.getBeanInfo(Thread.class);
        assertThat(thread.getBeanDescriptor().getValue("stigmem.channel")).isNull();
        assertThat(thread.getPropertyDescriptors()[0].getDisplayName()).isEqualTo(thread.getPropertyDescriptors()[0].getName());
    }

    @ParameterizedTest(name = "{0}: the guard refuses what the JDK runs by name")
    @CsvSource({"resourceBundleConstructor, system.properties", "propertyEditorByName, system.properties",
            "beanInfoByName, system.properties",
            // a plugin cannot even make the Provider (its constructor's put reaches Provider#putId)
            "providerServiceByName, jvm.global"})
    void pluginCodeTheJdkInstantiatesByNameStillMeetsTheGuard(String route, String rule) throws Throwable {
        // No plugin instruction names these constructors, so the pre-scan's call graph reports what they
        // do as unreachable (INFO); the JDK runs them all the same, and the guard refuses them then (the
        // JDK may swallow the refusal and carry on without the object: the refusal is on record).
        int before = REFUSALS.size();
        Object outcome;
        try {
            outcome = hostile.call("p.Missed", route);
        } catch (Throwable t) {
            outcome = t;
        }
        assertThat(REFUSALS.subList(before, REFUSALS.size())).as(String.valueOf(outcome))
                .extracting(GuardRefusal::ruleId).contains(rule);
        assertThat(hostile.call("p.Missed", "leaked")).isEqualTo("null");
    }

    @ParameterizedTest(name = "{0} calls no method by name for a plugin")
    @CsvSource({"xmlEncoder", "plainEncoder"})
    void xmlEncoderCallsNoMethodByNameForAPluginThoughItSwallowsTheRefusal(String route) throws Throwable {
        int before = REFUSALS.size();
        // XMLEncoder's default exception listener catches the refusal and carries on ("Continuing ..."):
        // nothing is invoked, and the host hears of it. java.beans.Encoder, its superclass, is not denied
        // by the scan; its persistence delegates run Expressions all the same, meet the guard, and the
        // plain Encoder reports it as its own RuntimeException ("failed to evaluate", no cause).
        try {
            hostile.call("p.LibraryJdk", route);
        } catch (RuntimeException evaluationFailed) {
            assertThat(evaluationFailed).hasMessageStartingWith("failed to evaluate");
        }
        assertThat(REFUSALS.subList(before, REFUSALS.size())).extracting(GuardRefusal::ruleId).contains("beans.dynamic");
    }

    @ParameterizedTest(name = "{0} is allowed")
    @CsvSource({"julLogging", "sqlTypes", "beanIntrospection", "librarySwitches"})
    void libraryJdkModulesOrdinaryUseRuns(String method) throws Throwable {
        assertThat(hostile.call("p.LibraryJdk", method)).isNotNull();
    }

    @ParameterizedTest(name = "{0} is allowed")
    @CsvSource({"lineSeparator", "pureComputation", "lambdasAndRecords", "ownResource", "stringFormat", "digest"})
    void ordinaryCodeRuns(String method) throws Throwable {
        assertThat(hostile.call("p.Attacks", method)).isNotNull();
    }

    @Test
    void hostCodeIsNeverRefused() throws Exception {
        assertThat(System.getenv()).isNotNull();
        assertThat(System.getProperty("user.home")).isNotNull();
        assertThat(java.nio.file.Files.exists(Path.of("."))).isTrue();
        assertThat(Class.forName("java.lang.Runtime")).isNotNull();
        assertThat(System.in.available()).as("the node's own standard input").isNotNegative();
    }

    @Test
    void aBootstrapsFullPrivilegeLookupCannotReachTheJdk() {
        assertThatThrownBy(() -> hostile.call("p.Indy", "run"))
                .isInstanceOf(BootstrapMethodError.class)
                .cause().isInstanceOf(JdkAccessError.class)
                .hasMessageContaining("MethodHandles$Lookup#findStatic");
    }

    @Test
    void urlHashCodeDoesNotResolveForAPlugin() throws Throwable {
        // JDK 17's URL#hashCode swallows the refusal (any failure to resolve is "no address"), JDK 25's
        // lets it through: either way no name left the machine, and the refusal is on record.
        int before = REFUSALS.size();
        try {
            hostile.call("p.Attacks", "urlHashCodeResolves");
        } catch (JdkAccessError refused) {
            assertThat(refused.ruleId()).isEqualTo("network.resolve");
        }
        assertThat(REFUSALS.subList(before, REFUSALS.size())).extracting(GuardRefusal::ruleId).contains("network.resolve");
    }

    @Test
    void pluginThreadsAreBoundedAttributedAndStopped(@TempDir Path dir) throws Throwable {
        HostileLayer hostile = HostileLayer.compile(dir, "threads", Map.of(
                "module-info.java", "module threads { exports p; }", "p/Threads.java", HostileSources.THREADS), Map.of());
        PluginDomain domain = JdkGuard.enclose(hostile.layer, "threads-plugin", 4, r -> { });
        assertThat(hostile.call("p.Threads", "executorThreads")).as("a pool of its own works").isEqualTo("ran");
        // A pool's workers may still be ending after awaitTermination returned: wait until they are gone,
        // so that the bound below counts only the sleepers.
        awaitNoLiveThreads(domain);
        assertThatThrownBy(() -> hostile.call("p.Threads", "fileFromOwnThread"))
                .as("code on the plugin's own thread is still the plugin's")
                .isInstanceOf(JdkAccessError.class).message().doesNotContain("at most");
        awaitNoLiveThreads(domain);
        hostile.call("p.Threads", "startSleepers");   // 3 sleepers + 1 that ignores interrupts
        assertThat(domain.liveThreads()).isEqualTo(4);
        assertThatThrownBy(() -> hostile.call("p.Threads", "startOneMore"))
                .isInstanceOf(JdkAccessError.class).hasMessageContaining("at most 4 threads");
        List<String> left = domain.stop(Duration.ofSeconds(5)); // the sleepers end at once; the stubborn one never
        assertThat(left).containsExactly("hostile-stubborn");
        assertThatThrownBy(() -> hostile.call("p.Threads", "startOneMore"))
                .isInstanceOf(JdkAccessError.class).hasMessageContaining("stopped");
        hostile.call("p.Threads", "release");
    }

    private static void awaitNoLiveThreads(PluginDomain domain) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (domain.liveThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(domain.liveThreads()).as("the plugin's finished threads are no longer counted").isZero();
    }
}
