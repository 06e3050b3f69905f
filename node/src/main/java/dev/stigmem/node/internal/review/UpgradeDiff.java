package dev.stigmem.node.internal.review;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Impact;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.trust.SignerChange;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What changed between an installed plugin archive and a candidate: capabilities, hooks,
 * dependencies, signers and scan findings (the checklist's item 5, "re-review capabilities when
 * upgrading a plugin package, even if the signing identity has not changed"). Immutable.
 *
 * <p>Access <em>broadens</em> when the candidate declares a capability the installed version did
 * not, reaches a higher impact class, handles a hook it did not, or is signed by a different
 * signer set; {@code stigmem diff} exits 1 and {@code stigmem install} refuses unless accepted.
 * Findings are compared by severity, rule, target, class and method, not by line, so a
 * recompiled but otherwise equal plugin shows no finding change.
 *
 * @param before            the installed archive
 * @param after             the candidate archive
 * @param addedCapabilities declared by the candidate only
 * @param removedCapabilities declared by the installed version only
 * @param addedHooks        handled by the candidate only
 * @param removedHooks      handled by the installed version only
 * @param addedDependsOn    plugins the candidate depends on, the installed version not
 * @param removedDependsOn  plugins the installed version depended on, the candidate not
 * @param addedLibraries    library jars of the candidate only
 * @param removedLibraries  library jars of the installed version only
 * @param signers           how the signer set changed
 * @param addedFindings     scan findings of the candidate only (one line each)
 * @param removedFindings   scan findings of the installed version only (one line each)
 */
public record UpgradeDiff(ArchiveFacts before, ArchiveFacts after,
                          Set<Capability> addedCapabilities, Set<Capability> removedCapabilities,
                          Set<Hook> addedHooks, Set<Hook> removedHooks,
                          SortedSet<String> addedDependsOn, SortedSet<String> removedDependsOn,
                          SortedSet<String> addedLibraries, SortedSet<String> removedLibraries,
                          SignerChange signers, SortedSet<String> addedFindings, SortedSet<String> removedFindings) {

    public UpgradeDiff {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(signers, "signers");
    }

    /** The change from {@code before} (installed) to {@code after} (candidate). */
    public static UpgradeDiff between(ArchiveFacts before, ArchiveFacts after) {
        return new UpgradeDiff(before, after,
                minus(Capability.class, after.manifest().capabilities(), before.manifest().capabilities()),
                minus(Capability.class, before.manifest().capabilities(), after.manifest().capabilities()),
                minus(Hook.class, after.hooks(), before.hooks()),
                minus(Hook.class, before.hooks(), after.hooks()),
                minus(after.manifest().dependsOn(), before.manifest().dependsOn()),
                minus(before.manifest().dependsOn(), after.manifest().dependsOn()),
                minus(after.libraries(), before.libraries()),
                minus(before.libraries(), after.libraries()),
                SignerChange.between(before.signature(), after.signature()),
                minus(findingKeys(after), findingKeys(before)),
                minus(findingKeys(before), findingKeys(after)));
    }

    /** The highest impact among declared capabilities, empty when none is declared. */
    static Optional<Impact> maxImpact(ArchiveFacts f) {
        return f.manifest().capabilities().stream().map(Capability::impact).max(Enum::compareTo);
    }

    /** Whether the candidate's highest declared impact is above the installed version's. */
    public boolean higherImpact() {
        Optional<Impact> old = maxImpact(before);
        Optional<Impact> now = maxImpact(after);
        return now.isPresent() && (old.isEmpty() || now.get().compareTo(old.get()) > 0);
    }

    /** Whether the node requirement ({@code requires}) changed. */
    public boolean requiresChanged() {
        return !before.manifest().requires().equals(after.manifest().requires());
    }

    /** Why access broadens, one line each (capabilities, impact, hooks); empty when it does not. Signer changes are separate. */
    public List<String> broadenedBecause() {
        List<String> reasons = new ArrayList<>();
        for (Capability c : addedCapabilities) {
            reasons.add(String.format(Locale.ROOT, "new capability %s (%s)", c.id(), c.impact().label()));
        }
        if (higherImpact()) {
            reasons.add(String.format(Locale.ROOT, "highest impact rises from %s to %s",
                    maxImpact(before).map(Impact::label).orElse("none"), maxImpact(after).map(Impact::label).orElse("none")));
        }
        for (Hook h : addedHooks) {
            reasons.add("new hook " + h.id());
        }
        return reasons;
    }

    /** Whether the candidate gets access the installed version did not have. */
    public boolean broadened() {
        return !broadenedBecause().isEmpty();
    }

    /** Whether access broadens or the signer set changed: what {@code diff} exits 1 for. */
    public boolean needsAcceptance() {
        return broadened() || signers.changed();
    }

    /** Whether nothing this diff compares changed. */
    public boolean unchanged() {
        return addedCapabilities.isEmpty() && removedCapabilities.isEmpty() && addedHooks.isEmpty()
                && removedHooks.isEmpty() && addedDependsOn.isEmpty() && removedDependsOn.isEmpty()
                && addedLibraries.isEmpty() && removedLibraries.isEmpty() && !signers.changed()
                && addedFindings.isEmpty() && removedFindings.isEmpty() && !requiresChanged();
    }

    /** A finding without its line and jar, so that recompiling does not count as a change. */
    static String findingKey(Finding f) {
        StringBuilder b = new StringBuilder().append(f.severity()).append(' ').append(f.rule()).append(": ").append(f.target());
        f.className().ifPresent(c -> b.append(" in ").append(c));
        f.method().ifPresent(m -> b.append('.').append(m));
        return b.toString();
    }

    private static SortedSet<String> findingKeys(ArchiveFacts f) {
        TreeSet<String> keys = new TreeSet<>();
        f.scan().findings().forEach(x -> keys.add(findingKey(x)));
        return keys;
    }

    private static <E extends Enum<E>> Set<E> minus(Class<E> type, Collection<E> a, Collection<E> b) {
        Set<E> s = EnumSet.noneOf(type);
        s.addAll(a);
        s.removeAll(b);
        return java.util.Collections.unmodifiableSet(s);
    }

    private static SortedSet<String> minus(Collection<String> a, Collection<String> b) {
        TreeSet<String> s = new TreeSet<>(a);
        s.removeAll(b);
        return java.util.Collections.unmodifiableSortedSet(s);
    }
}
