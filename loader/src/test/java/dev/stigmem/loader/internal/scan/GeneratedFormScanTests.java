package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.jar;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** Reference forms javac does not emit (generated with ASM), module descriptors and host internals. */
class GeneratedFormScanTests {

    private static final String ACCESSOR = "dev.stigmem.api.PluginContext#getFactsWriter()Ljava/util/Optional;";

    @Test
    void undeclaredAccessorAsLdcMethodHandleIsDenied() {
        ScanReport report = scan(archive(Map.of("p/Ldc.class",
                GeneratedClasses.ldc("p/Ldc", GeneratedClasses.FACTS_WRITER_ACCESSOR, 42))));

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + ACCESSOR + " @ p.Ldc.grab()Ljava/lang/Object;:42");
    }

    @Test
    void declaredAccessorAsLdcMethodHandlePasses() {
        ScanReport report = scan(archive(Map.of("p/Ldc.class",
                GeneratedClasses.ldc("p/Ldc", GeneratedClasses.FACTS_WRITER_ACCESSOR, 42))), "facts.write");

        assertThat(report.findings()).isEmpty();
    }

    @Test
    void undeclaredAccessorInsideNestedConstantDynamicIsDenied() {
        ScanReport report = scan(archive(Map.of("p/Condy.class",
                GeneratedClasses.ldc("p/Condy", GeneratedClasses.condy(3, GeneratedClasses.FACTS_WRITER_ACCESSOR), 7))));

        assertThat(brief(report.findings())).containsExactly(
                "DENY capability.accessor " + ACCESSOR + " @ p.Condy.grab()Ljava/lang/Object;:7");
    }

    @Test
    void deniedJdkMemberAsLdcMethodHandleIsDenied() {
        Handle exit = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);

        ScanReport report = scan(archive(Map.of("p/Ldc.class", GeneratedClasses.ldc("p/Ldc", exit, 3))));

        assertThat(brief(report.findings())).containsExactly("DENY vm.exit java.lang.System#exit(I)V @ p.Ldc.grab()Ljava/lang/Object;:3");
    }

    @Test
    void ldcOfADeniedClassAndOfAMethodTypeNamingAHandleTypeAreDenied() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/Cls.class", GeneratedClasses.ldc("p/Cls", net.bytebuddy.jar.asm.Type.getObjectType("java/lang/ProcessBuilder"), 4));
        entries.put("p/Mt.class", GeneratedClasses.ldc("p/Mt",
                net.bytebuddy.jar.asm.Type.getMethodType("(Ldev/stigmem/api/core/FactsWriter;)V"), 5));
        entries.put("p/Fine.class", GeneratedClasses.ldc("p/Fine", net.bytebuddy.jar.asm.Type.getObjectType("java/util/List"), 6));

        ScanReport report = scan(archive(entries));

        assertThat(brief(report.findings())).containsExactly(
                "DENY process.spawn java.lang.ProcessBuilder @ p.Cls.grab()Ljava/lang/Object;:4",
                "DENY capability.handle dev.stigmem.api.core.FactsWriter @ p.Mt.grab()Ljava/lang/Object;:5");
    }

    @Test
    void hostInternalsAreDeniedAndTheApiPasses() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/Host.class", GeneratedClasses.invokeStatic("p/Host", "dev/stigmem/node/internal/Boot", "grab", "()V", 5));
        entries.put("p/Api.class", GeneratedClasses.invokeStatic("p/Api", "dev/stigmem/api/SemanticVersion", "parse",
                "(Ljava/lang/String;)Ldev/stigmem/api/SemanticVersion;", 6));

        ScanReport report = scan(archive(entries));

        assertThat(brief(report.findings())).containsExactly(
                "DENY host.internal dev.stigmem.node.internal.Boot @ p.Host.call()V:5");
    }

    @Test
    void classInNoModuleThePluginSeesIsUnlinkableAndABundledOnePasses() {
        Map<String, byte[]> plugin = new TreeMap<>();
        plugin.put("p/Uses.class", GeneratedClasses.invokeStatic("p/Uses", "com/example/lib/Tool", "run", "()V", 9));
        plugin.put("p/Missing.class", GeneratedClasses.invokeStatic("p/Missing", "com/example/other/Tool", "run", "()V", 10));
        Map<String, byte[]> library = Map.of("com/example/lib/Tool.class",
                GeneratedClasses.invokeStatic("com/example/lib/Tool", "java/lang/Thread", "onSpinWait", "()V", 1));

        ScanReport report = scan(archive(plugin, jar("tool.jar", library)));

        assertThat(brief(report.findings())).containsExactly(
                "WARN reference.unlinkable com.example.other.Tool @ p.Missing.call()V:10");
    }

    @Test
    void moduleRequiringAModuleOutsideTheAllowlistAndArchiveIsDenied() {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(new Attributes.Name("Automatic-Module-Name"), "com.example.tool");
        var out = new java.io.ByteArrayOutputStream();
        try {
            mf.write(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, byte[]> plugin = Map.of("module-info.class", GeneratedClasses.moduleInfo("p.plugin",
                "dev.stigmem.api", "com.example.tool", "helper.lib", "java.naming", "dev.stigmem.node"));

        ScanReport report = scan(archive(plugin, jar("tool.jar", Map.of("META-INF/MANIFEST.MF", out.toByteArray())),
                jar("helper-lib-2.1.0.jar", Map.of())));

        assertThat(brief(report.findings())).containsExactly(
                "DENY module.requires dev.stigmem.node @ module-info.-:-1",
                "DENY module.requires java.naming @ module-info.-:-1");
        assertThat(report.findings().get(0).reason())
                .isEqualTo("Module p.plugin requires dev.stigmem.node, which is neither allowlisted nor a module of the archive");
    }

    @Test
    void moduleDescriptorHiddenOutsideModuleInfoDoesNotMakeARequiredModuleLookBundled() {
        Map<String, byte[]> plugin = new TreeMap<>();
        plugin.put("module-info.class", GeneratedClasses.moduleInfo("p.plugin", "java.naming"));
        plugin.put("p/Decoy.class", GeneratedClasses.moduleInfo("java.naming"));

        ScanReport report = scan(archive(plugin));

        assertThat(brief(report.findings())).containsExactly("DENY module.requires java.naming @ module-info.-:-1");
        assertThat(report.findings().get(0).entry()).contains("module-info.class");
    }
}
