package dev.stigmem.loader;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.Capability;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.JarSignature;
import dev.stigmem.loader.trust.TrustCheck;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What review, diff and install read from a candidate without loading it: the hooks of its entry
 * class (from bytecode), the capabilities its code uses, and its signatures and trust decision.
 */
class CandidateFactsTests {

    @TempDir
    Path tmp;

    private final PluginLoader loader = PluginLoader.builder().build();

    @Test
    void hooksAreFoundThroughSuperclassesAndInterfacesOfTheArchive() {
        Path jar = JavacJar.named("hooks.jar")
                .source("h/Observer.java", "package h; public interface Observer extends dev.stigmem.api.hook.PostAssertPersist {}")
                .source("h/Base.java", "package h; public abstract class Base implements dev.stigmem.api.Plugin, Observer {"
                        + " public void postAssertPersist(dev.stigmem.api.PluginContext c, dev.stigmem.api.hook.FactEvent e) {} }")
                .source("h/Middle.java", "package h; public abstract class Middle extends Base {}")
                .source("h/Entry.java", "package h; " + manifest("hooks") + " public final class Entry extends Middle"
                        + " implements dev.stigmem.api.hook.RecallRank {"
                        + " public java.util.Map<String, Double> recallRank(dev.stigmem.api.PluginContext c, dev.stigmem.api.hook.RecallResults r) { return java.util.Map.of(); } }")
                .service("h.Entry").writeTo(tmp);
        assertThat(loader.inspect(jar).hooks()).containsExactly(Hook.POST_ASSERT_PERSIST, Hook.RECALL_RANK);
    }

    @Test
    void anEntryClassImplementingNoHookHandlesNone() {
        Path jar = JavacJar.plainPlugin("plain.jar", "p", manifest("plain"), "").writeTo(tmp);
        assertThat(loader.inspect(jar).hooks()).isEmpty();
    }

    @Test
    void theScanReportsTheCapabilitiesTheCodeUsesDeclaredOrNot() {
        Path jar = JavacJar.plainPlugin("uses.jar", "u",
                "@dev.stigmem.api.StigmemPlugin(name = \"uses\", version = \"1.0.0\", requires = \">=0.9.0\", capabilities = {\"audit.emit\", \"config.read\"})",
                "public void start(dev.stigmem.api.PluginContext c) { c.getAuditEmitter(); c.getTenantReader(); }").writeTo(tmp);
        var report = ScanCheck.scan(loader.inspect(jar), ScanPolicy.shipped());
        assertThat(report.usedCapabilities()).containsExactly(Capability.AUDIT_EMIT, Capability.TENANT_READ);
        assertThat(report.hasDeny()).isTrue();
    }

    @Test
    void trustFacadesGiveTheSignaturesAndTheDecisionWithoutRejecting() {
        Path jar = JavacJar.plainPlugin("unsigned.jar", "s", manifest("unsigned"), "").writeTo(tmp);
        PluginCandidate c = loader.inspect(jar);
        assertThat(TrustCheck.inspect(c).jars()).containsExactly(new JarSignature.Unsigned("unsigned.jar"));
        TrustDecision d = TrustCheck.decide(c, TrustPolicy.signingRequired(), Instant.now());
        assertThat(d).isInstanceOfSatisfying(TrustDecision.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(TrustDecision.Reason.UNSIGNED));
    }
}
