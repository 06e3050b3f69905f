package dev.stigmem.node.internal.review;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Impact;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.trust.ArchiveSignature;
import dev.stigmem.loader.trust.TrustCheck;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything review, diff and install know about one plugin archive, read from its bytes without
 * loading or running any of it: the validated manifest, the hooks its entry class implements (from
 * bytecode), every jar's signature and the trust decision, and the pre-scan report. Immutable.
 *
 * @param archive    the archive as the operator named it
 * @param manifest   the entry class's validated manifest
 * @param entryClass binary name of the entry class
 * @param module     the plugin module
 * @param jars       the archive's jars, plugin jar first
 * @param hooks      the hooks the entry class handles, in hook-table order
 * @param signature  every jar's signature, no policy applied
 * @param trust      the trust policy's decision
 * @param scan       the pre-scan report
 */
public record ArchiveFacts(Path archive, PluginManifest manifest, String entryClass, String module, List<String> jars,
                           List<Hook> hooks, ArchiveSignature signature, TrustDecision trust, ScanReport scan) {

    public ArchiveFacts {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(entryClass, "entryClass");
        Objects.requireNonNull(module, "module");
        jars = List.copyOf(jars);
        hooks = List.copyOf(hooks);
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(scan, "scan");
    }

    /**
     * Reads an archive: inspect (no checks, nothing loaded), verify signatures, decide trust at
     * {@code now}, scan.
     *
     * @throws dev.stigmem.loader.PluginLoadException    when the archive is corrupt, unsafe or has no valid declaration
     * @throws dev.stigmem.loader.scan.ScanException     when a class file cannot be read or a scan limit is exceeded
     */
    public static ArchiveFacts read(PluginLoader loader, Path archive, TrustPolicy trustPolicy, ScanPolicy scanPolicy,
                                    Instant now) {
        return of(loader.inspect(archive), archive, trustPolicy, scanPolicy, now);
    }

    /**
     * The facts of an inspected candidate, named {@code archive} (the operator's name for it, which
     * may differ from where the candidate was read, as with install's staged copy).
     *
     * @throws dev.stigmem.loader.PluginLoadException when the entry class's supertypes cannot be read
     * @throws dev.stigmem.loader.scan.ScanException  when a class file cannot be read or a scan limit is exceeded
     */
    public static ArchiveFacts of(PluginCandidate c, Path archive, TrustPolicy trustPolicy, ScanPolicy scanPolicy,
                                  Instant now) {
        return new ArchiveFacts(archive, c.manifest(), c.entryClass(), c.moduleName(), c.jarNames(), c.hooks(),
                TrustCheck.inspect(c), TrustCheck.decide(c, trustPolicy, now), ScanCheck.scan(c, scanPolicy));
    }

    /** The library jars (every jar but the plugin jar). */
    public List<String> libraries() {
        return jars.subList(1, jars.size());
    }

    /** Capabilities some code of the archive reaches, declared or not. */
    public Set<Capability> usedCapabilities() {
        return scan.usedCapabilities();
    }

    /** Whether the archive passes both trust and scan: what the loader would accept. */
    public boolean accepted() {
        return trust.accepted() && !scan.hasDeny();
    }

    /** Why the loader would refuse it, one line each; empty when {@link #accepted()}. */
    public List<String> rejections() {
        List<String> reasons = new ArrayList<>();
        if (trust instanceof TrustDecision.Rejected r) {
            reasons.add("trust: " + r.reason() + ": " + r.message());
        }
        if (scan.hasDeny()) {
            reasons.add("scan: " + scan.summary());
        }
        return reasons;
    }

    /**
     * Whether a capability is of a kind the reference's checklist tells operators to reject unless
     * the use case needs it: "broad write, tenant, federation, identity, or outbound-network
     * access". Read off the capability id's family, so a new capability of such a family is
     * flagged without a second table.
     */
    public static boolean broad(Capability c) {
        String id = c.id();
        return id.endsWith(".write") || id.startsWith("tenant.") || id.startsWith("federation.")
                || id.startsWith("identity.") || id.startsWith("network.");
    }

    /** Declared capabilities that change state outside the plugin (its side effects). */
    public Set<Capability> sideEffectCapabilities() {
        Set<Capability> s = EnumSet.noneOf(Capability.class);
        for (Capability c : manifest.capabilities()) {
            if (c.impact() == Impact.HIGH_IMPACT) {
                s.add(c);
            }
        }
        return s;
    }
}
