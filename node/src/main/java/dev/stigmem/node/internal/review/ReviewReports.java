package dev.stigmem.node.internal.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.api.Capability;
import dev.stigmem.api.Impact;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.SarifLog;
import dev.stigmem.loader.scan.Severity;
import dev.stigmem.loader.trust.Signer;
import dev.stigmem.loader.trust.TrustCheck;
import dev.stigmem.loader.trust.TrustDecision;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders reviews and upgrade diffs as text for operators and as JSON for tools. JSON fields come
 * in a fixed order and every collection is sorted, so equal inputs give byte-identical output.
 */
public final class ReviewReports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReviewReports() {
    }

    // ---------------------------------------------------------------- review

    /** The seed's operator checklist answered for one archive, with the upgrade diff as item 5 when given. */
    public static String reviewText(ArchiveFacts f, Optional<UpgradeDiff> previous) {
        StringBuilder b = new StringBuilder();
        var m = f.manifest();
        b.append(String.format(Locale.ROOT, "Review of %s: plugin '%s' %s (requires node %s), entry class %s, module %s, %d jar%s%n",
                f.archive(), m.name(), m.version(), m.requires(), f.entryClass(), f.module(), f.jars().size(),
                f.jars().size() == 1 ? "" : "s"));
        b.append(String.format(Locale.ROOT, "  hooks: %s; depends on: %s%n", hookIds(f.hooks()),
                m.dependsOn().isEmpty() ? "nothing" : String.join(", ", m.dependsOn())));

        b.append("\n1. Signer and trust decision\n");
        b.append("   ").append(trustLine(f.trust())).append('\n');

        b.append("\n2. Declared capabilities next to those the bytecode uses\n");
        Set<Capability> rows = EnumSet.noneOf(Capability.class);
        rows.addAll(m.capabilities());
        rows.addAll(f.usedCapabilities());
        if (rows.isEmpty()) {
            b.append("   none declared, none used\n");
        }
        for (Capability c : rows) {
            boolean declared = m.declares(c);
            boolean used = f.usedCapabilities().contains(c);
            b.append(String.format(Locale.ROOT, "   %-17s %-13s %-9s %s%n", c.id(), c.impact().label(),
                    declared ? "declared" : "-", used ? (declared ? "used" : "USED WITHOUT DECLARING (denied)")
                            : "not used (least privilege: drop it)"));
        }

        b.append("\n3. Broad write, tenant, federation, identity or outbound-network access\n");
        List<Capability> broad = m.capabilities().stream().filter(ArchiveFacts::broad).toList();
        if (broad.isEmpty()) {
            b.append("   none declared\n");
        }
        for (Capability c : broad) {
            b.append(String.format(Locale.ROOT, "   FLAG %s (%s): %s%n", c.id(), c.impact().label(), c.reviewGuidance()));
        }

        b.append("\n4. Audit events for side effects\n");
        b.append("   ").append(auditAnswer(f)).append('\n');

        b.append("\n5. Changes since the installed version\n");
        if (previous.isEmpty()) {
            b.append("   not compared (give --previous OLD to compare with the installed archive)\n");
        } else {
            diffBody(b, previous.get(), "   ");
        }

        b.append("\nScan: ").append(f.scan().summary()).append('\n');
        // What refuses the archive in full (with the path that reaches it), the rest summarised per jar.
        b.append(f.scan().findingsText("   "));
        b.append('\n').append(verdictLine(f, previous)).append('\n');
        return b.toString();
    }

    /** The review's last line: what the loader would do, and whether the upgrade needs acceptance. */
    static String verdictLine(ArchiveFacts f, Optional<UpgradeDiff> previous) {
        StringBuilder b = new StringBuilder();
        if (f.accepted()) {
            b.append("ACCEPT: the node would load this archive");
        } else {
            b.append("REJECT: ").append(String.join("; ", f.rejections().stream().map(r -> r.lines().findFirst().orElse(r)).toList()));
        }
        previous.filter(UpgradeDiff::needsAcceptance).ifPresent(d -> b.append(String.format(Locale.ROOT,
                "%nUPGRADE NEEDS ACCEPTANCE: %s", String.join("; ", acceptanceReasons(d)))));
        return b.toString();
    }

    /** Item 4: whether the plugin emits audit events for its side effects. */
    static String auditAnswer(ArchiveFacts f) {
        boolean declares = f.manifest().declares(Capability.AUDIT_EMIT);
        boolean uses = f.usedCapabilities().contains(Capability.AUDIT_EMIT);
        Set<Capability> effects = f.sideEffectCapabilities();
        String effectText = effects.isEmpty() ? "it declares no high-impact (side-effecting) capability"
                : "its side-effecting capabilities: " + String.join(", ", ids(effects));
        if (declares && uses) {
            return "yes: declares audit.emit and its code uses the AuditEmitter; " + effectText;
        }
        if (declares) {
            return "no: declares audit.emit but no code reaches the AuditEmitter; " + effectText;
        }
        return (effects.isEmpty() ? "no audit events (audit.emit not declared); " : "NO: side effects without audit events (audit.emit not declared); ")
                + effectText;
    }

    static String trustLine(TrustDecision d) {
        if (d instanceof TrustDecision.Rejected r) {
            return "REJECTED (" + r.reason() + "): " + r.message()
                    + (r.signers().isEmpty() ? "" : "; signers seen: " + signerList(r.signers()));
        }
        String line = TrustCheck.describe(d);
        if (d instanceof TrustDecision.Trusted t) {
            line += "; trusted publisher: " + t.publisher().label();
        } else if (d instanceof TrustDecision.OperatorOverride o) {
            line += "; operator override: " + o.publisher().label();
        } else if (d instanceof TrustDecision.DevelopmentUnsignedOverride u) {
            line += "; UNSIGNED jars accepted only by development mode: " + String.join(", ", u.unsignedJars());
        }
        return line;
    }

    /** The review as one JSON document. */
    public static String reviewJson(ArchiveFacts f, Optional<UpgradeDiff> previous) {
        ObjectNode o = JSON.createObjectNode();
        o.put("archive", f.archive().toString());
        ObjectNode p = o.putObject("plugin");
        p.put("name", f.manifest().name());
        p.put("version", f.manifest().version().toString());
        p.put("requires", f.manifest().requires().toString());
        p.put("entryClass", f.entryClass());
        p.put("module", f.module());
        strings(p.putArray("jars"), f.jars());
        strings(p.putArray("hooks"), f.hooks().stream().map(Hook::id).toList());
        strings(p.putArray("dependsOn"), f.manifest().dependsOn());
        o.set("trust", trustJson(f.trust()));
        ArrayNode caps = o.putArray("capabilities");
        Set<Capability> rows = EnumSet.noneOf(Capability.class);
        rows.addAll(f.manifest().capabilities());
        rows.addAll(f.usedCapabilities());
        for (Capability c : rows) {
            ObjectNode n = caps.addObject();
            n.put("id", c.id());
            n.put("impact", c.impact().label());
            n.put("declared", f.manifest().declares(c));
            n.put("used", f.usedCapabilities().contains(c));
            n.put("flagged", f.manifest().declares(c) && ArchiveFacts.broad(c));
            n.put("guidance", c.reviewGuidance());
        }
        ObjectNode audit = o.putObject("audit");
        audit.put("declaresAuditEmit", f.manifest().declares(Capability.AUDIT_EMIT));
        audit.put("usesAuditEmitter", f.usedCapabilities().contains(Capability.AUDIT_EMIT));
        strings(audit.putArray("sideEffectCapabilities"), f.sideEffectCapabilities().stream().map(Capability::id).toList());
        audit.put("answer", auditAnswer(f));
        try {
            o.set("scan", JSON.readTree(f.scan().toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the scan report's own JSON does not parse: " + e.getMessage(), e);
        }
        previous.ifPresent(d -> o.set("previous", diffNode(d)));
        o.put("accepted", f.accepted());
        strings(o.putArray("rejections"), f.rejections());
        o.put("upgradeNeedsAcceptance", previous.map(UpgradeDiff::needsAcceptance).orElse(false));
        return write(o);
    }

    // ---------------------------------------------------------------- review as SARIF

    /** Rule id: the archive is not signed by a trusted publisher nor accepted by an override (checklist item 1). */
    public static final String SARIF_TRUST = "review.trust";
    /** Rule id: broad write, tenant, federation, identity or outbound-network access declared (item 3). */
    public static final String SARIF_BROAD = "review.capability.broad";
    /** Rule id: side-effecting capabilities without audit events (item 4). */
    public static final String SARIF_AUDIT = "review.audit.missing";
    /** Rule id: the upgrade broadens access or changes signer (item 5). */
    public static final String SARIF_UPGRADE = "review.upgrade";

    /**
     * The review's findings as one SARIF 2.1.0 log: every scan finding (capabilities used without
     * declaring, declared but unused, JDK policy), then the checklist's items that call for a
     * decision, each with the reference's wording as help text and the entry class as logical
     * location: a trust rejection (error), each broad capability declared (warning, with its review
     * guidance), side effects without audit events (warning), an upgrade that needs acceptance (error).
     */
    public static String reviewSarif(ArchiveFacts f, Optional<UpgradeDiff> previous) {
        SarifLog.Builder log = SarifLog.builder().add(f.scan());
        String archive = f.archive().toString();
        Optional<String> entry = Optional.of(f.entryClass());
        if (f.trust() instanceof TrustDecision.Rejected) {
            log.addResult(archive, SARIF_TRUST, Severity.DENY,
                    "Checklist item 1: confirm the package is signed by an accepted trusted publisher or an explicit operator override.",
                    trustLine(f.trust()), entry);
        }
        for (Capability c : f.manifest().capabilities()) {
            if (ArchiveFacts.broad(c)) {
                log.addResult(archive, SARIF_BROAD, Severity.WARN,
                        "Checklist item 3: reject broad write, tenant, federation, identity, or outbound-network access unless the use case requires it.",
                        c.id() + " (" + c.impact().label() + "): " + c.reviewGuidance(), entry);
            }
        }
        if (!f.sideEffectCapabilities().isEmpty() && !f.manifest().declares(Capability.AUDIT_EMIT)) {
            log.addResult(archive, SARIF_AUDIT, Severity.WARN,
                    "Checklist item 4: prefer plugins that emit audit events for meaningful side effects.",
                    auditAnswer(f), entry);
        }
        previous.filter(UpgradeDiff::needsAcceptance).ifPresent(d -> log.addResult(archive, SARIF_UPGRADE, Severity.DENY,
                "Checklist item 5: re-review capabilities when upgrading a plugin package, even if the signing identity has not changed; "
                        + "install refuses this upgrade unless the operator accepts it.",
                "upgrade from " + d.before().archive() + " needs acceptance: " + String.join("; ", acceptanceReasons(d)), entry));
        return log.toJson();
    }

    // ---------------------------------------------------------------- diff

    /** The upgrade diff as text. */
    public static String diffText(UpgradeDiff d) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Diff of plugin '%s' %s (%s) -> '%s' %s (%s)%n",
                d.before().manifest().name(), d.before().manifest().version(), d.before().archive(),
                d.after().manifest().name(), d.after().manifest().version(), d.after().archive()));
        diffBody(b, d, "  ");
        b.append(d.needsAcceptance() ? "ACCESS BROADENS OR SIGNER CHANGED: " + String.join("; ", acceptanceReasons(d))
                : "access does not broaden and the signers are the same").append('\n');
        return b.toString();
    }

    static List<String> acceptanceReasons(UpgradeDiff d) {
        List<String> r = new java.util.ArrayList<>(d.broadenedBecause());
        if (d.signers().changed()) {
            r.add("signer set changed");
        }
        return r;
    }

    private static void diffBody(StringBuilder b, UpgradeDiff d, String indent) {
        if (!d.before().manifest().name().equals(d.after().manifest().name())) {
            b.append(indent).append(String.format(Locale.ROOT, "NOTE: different plugins ('%s' and '%s')%n",
                    d.before().manifest().name(), d.after().manifest().name()));
        }
        b.append(indent).append(String.format(Locale.ROOT, "version: %s -> %s%n", d.before().manifest().version(), d.after().manifest().version()));
        line(b, indent, "capabilities added", d.addedCapabilities().stream()
                .map(c -> c.id() + " (" + c.impact().label() + ")").toList());
        line(b, indent, "capabilities removed", ids(d.removedCapabilities()));
        b.append(indent).append(String.format(Locale.ROOT, "highest impact: %s -> %s%s%n",
                UpgradeDiff.maxImpact(d.before()).map(Impact::label).orElse("none"),
                UpgradeDiff.maxImpact(d.after()).map(Impact::label).orElse("none"), d.higherImpact() ? " (HIGHER)" : ""));
        line(b, indent, "hooks added", d.addedHooks().stream().map(Hook::id).toList());
        line(b, indent, "hooks removed", d.removedHooks().stream().map(Hook::id).toList());
        line(b, indent, "depends on added", d.addedDependsOn());
        line(b, indent, "depends on removed", d.removedDependsOn());
        line(b, indent, "libraries added", d.addedLibraries());
        line(b, indent, "libraries removed", d.removedLibraries());
        if (d.requiresChanged()) {
            b.append(indent).append(String.format(Locale.ROOT, "requires: %s -> %s%n", d.before().manifest().requires(), d.after().manifest().requires()));
        }
        b.append(indent).append(d.signers().changed() ? "signers CHANGED" : "signers unchanged").append('\n');
        for (Signer s : d.signers().added()) {
            b.append(indent).append("  + ").append(s.describe()).append('\n');
        }
        for (Signer s : d.signers().removed()) {
            b.append(indent).append("  - ").append(s.describe()).append('\n');
        }
        for (Signer s : d.signers().kept()) {
            b.append(indent).append("  = ").append(s.describe()).append('\n');
        }
        b.append(indent).append(String.format(Locale.ROOT, "scan findings: %d new, %d gone%n", d.addedFindings().size(), d.removedFindings().size()));
        d.addedFindings().forEach(x -> b.append(indent).append("  + ").append(x).append('\n'));
        d.removedFindings().forEach(x -> b.append(indent).append("  - ").append(x).append('\n'));
        if (d.after().scan().hasDeny()) {
            b.append(indent).append("NOTE: the new version has DENY findings; the node would reject it\n");
        }
    }

    private static void line(StringBuilder b, String indent, String what, Collection<String> items) {
        b.append(indent).append(what).append(": ").append(items.isEmpty() ? "none" : String.join(", ", items)).append('\n');
    }

    /** The upgrade diff as one JSON document. */
    public static String diffJson(UpgradeDiff d) {
        return write(diffNode(d));
    }

    private static ObjectNode diffNode(UpgradeDiff d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("old", d.before().archive().toString());
        o.put("new", d.after().archive().toString());
        o.putObject("plugin").put("old", d.before().manifest().name()).put("new", d.after().manifest().name());
        o.putObject("version").put("old", d.before().manifest().version().toString())
                .put("new", d.after().manifest().version().toString());
        ObjectNode caps = o.putObject("capabilities");
        strings(caps.putArray("added"), ids(d.addedCapabilities()));
        strings(caps.putArray("removed"), ids(d.removedCapabilities()));
        ObjectNode impact = o.putObject("highestImpact");
        impact.put("old", UpgradeDiff.maxImpact(d.before()).map(Impact::label).orElse("none"));
        impact.put("new", UpgradeDiff.maxImpact(d.after()).map(Impact::label).orElse("none"));
        impact.put("higher", d.higherImpact());
        ObjectNode hooks = o.putObject("hooks");
        strings(hooks.putArray("added"), d.addedHooks().stream().map(Hook::id).toList());
        strings(hooks.putArray("removed"), d.removedHooks().stream().map(Hook::id).toList());
        ObjectNode deps = o.putObject("dependencies");
        strings(deps.putArray("dependsOnAdded"), d.addedDependsOn());
        strings(deps.putArray("dependsOnRemoved"), d.removedDependsOn());
        strings(deps.putArray("librariesAdded"), d.addedLibraries());
        strings(deps.putArray("librariesRemoved"), d.removedLibraries());
        deps.put("requiresOld", d.before().manifest().requires().toString());
        deps.put("requiresNew", d.after().manifest().requires().toString());
        ObjectNode signers = o.putObject("signers");
        signers.put("changed", d.signers().changed());
        d.signers().added().forEach(s -> signerJson(signers.withArray("added"), s));
        d.signers().removed().forEach(s -> signerJson(signers.withArray("removed"), s));
        d.signers().kept().forEach(s -> signerJson(signers.withArray("kept"), s));
        ObjectNode findings = o.putObject("findings");
        strings(findings.putArray("added"), d.addedFindings());
        strings(findings.putArray("removed"), d.removedFindings());
        findings.put("newVersionDenied", d.after().scan().hasDeny());
        o.put("broadened", d.broadened());
        o.put("needsAcceptance", d.needsAcceptance());
        strings(o.putArray("reasons"), acceptanceReasons(d));
        return o;
    }

    // ---------------------------------------------------------------- shared

    static ObjectNode trustJson(TrustDecision d) {
        ObjectNode t = JSON.createObjectNode();
        t.put("decision", d.auditValue());
        if (d instanceof TrustDecision.Rejected r) {
            t.put("reason", r.reason().name());
            t.put("message", r.message());
        } else if (d instanceof TrustDecision.Trusted tr) {
            t.put("publisher", tr.publisher().label());
        } else if (d instanceof TrustDecision.OperatorOverride ov) {
            t.put("publisher", ov.publisher().label());
        } else if (d instanceof TrustDecision.DevelopmentUnsignedOverride u) {
            strings(t.putArray("unsignedJars"), u.unsignedJars());
        }
        ArrayNode signers = t.putArray("signers");
        d.signers().forEach(s -> signerJson(signers, s));
        return t;
    }

    private static void signerJson(ArrayNode into, Signer s) {
        into.addObject().put("fingerprint", s.fingerprint()).put("subject", s.subject())
                .put("notBefore", s.notBefore().toString()).put("notAfter", s.notAfter().toString());
    }

    private static void strings(ArrayNode into, Collection<String> values) {
        values.forEach(into::add);
    }

    static List<String> ids(Collection<Capability> caps) {
        return caps.stream().map(Capability::id).toList();
    }

    private static String hookIds(List<Hook> hooks) {
        return hooks.isEmpty() ? "none" : hooks.stream().map(Hook::id).collect(Collectors.joining(", "));
    }

    private static String signerList(Collection<Signer> signers) {
        return signers.stream().map(Signer::describe).collect(Collectors.joining("; "));
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("review JSON cannot be written: " + e.getMessage(), e);
        }
    }
}
