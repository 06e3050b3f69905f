package dev.stigmem.loader.internal.scan;

import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link ScanPolicy}'s rules indexed for lookup by class, member and package. Immutable. */
final class PolicyIndex {

    private final Map<String, List<PolicyRule>> denyMembers = new HashMap<>();
    private final Map<String, List<PolicyRule>> reviewMembers = new HashMap<>();
    private final Map<String, PolicyRule> denyClasses = new HashMap<>();
    private final Map<String, PolicyRule> reviewClasses = new HashMap<>();
    private final List<PolicyRule> denyPackages = new ArrayList<>();
    private final List<PolicyRule> reviewPackages = new ArrayList<>();
    private final List<PolicyRule> allowPackages = new ArrayList<>();
    private final Set<String> allowModules = new HashSet<>();
    private final Map<String, List<PolicyRule>> allowBootstraps = new HashMap<>();
    private final Set<String> allowProperties = new HashSet<>();
    private final String bootstrapReason;
    /** The allowed modules and those they require transitively (see {@link #moduleReadable}). */
    private final Set<String> readable;

    /** The reason of a denied bootstrap when the policy allows none (so has no allow-bootstrap group to take it from). */
    static final String NO_BOOTSTRAP_ALLOWED = "The JVM hands a bootstrap method a full-privilege Lookup of the calling class,"
            + " and this policy allows no bootstrap method";

    PolicyIndex(ScanPolicy policy) {
        this(policy.rules());
    }

    /** An index of these rules (tests build policies the file format would not accept). */
    PolicyIndex(List<PolicyRule> rules) {
        String reason = null;
        for (PolicyRule r : rules) {
            switch (r.kind()) {
                case DENY_MEMBER, GUARD_MEMBER, GUARD_ENTRY -> denyMembers.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r);
                case REVIEW_MEMBER -> reviewMembers.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r);
                case DENY_CLASS -> denyClasses.putIfAbsent(r.owner(), r);
                case REVIEW_CLASS -> reviewClasses.putIfAbsent(r.owner(), r);
                case DENY_PACKAGE -> denyPackages.add(r);
                case REVIEW_PACKAGE -> reviewPackages.add(r);
                case ALLOW_PACKAGE -> allowPackages.add(r);
                case ALLOW_MODULE -> allowModules.add(r.owner());
                case ALLOW_PROPERTY -> allowProperties.add(r.owner());
                // Judged per jar, not per reference: BytecodeScanner reads ScanPolicy#substitutedModules.
                case SUBSTITUTE_MODULE -> { }
                case ALLOW_BOOTSTRAP -> {
                    allowBootstraps.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r);
                    if (reason == null) {
                        reason = r.reason();
                    }
                }
            }
        }
        bootstrapReason = reason != null ? reason : NO_BOOTSTRAP_ALLOWED;
        readable = JdkTypes.instance().withTransitiveRequires(allowModules);
    }

    /**
     * Whether an {@code allow-bootstrap} rule names this method ({@code owner} in internal form). The
     * caller checks that the handle invokes a static method and that the owner is no class of the archive.
     */
    boolean bootstrapAllowed(String owner, String name, String desc) {
        List<PolicyRule> candidates = allowBootstraps.get(owner);
        if (candidates != null) {
            for (PolicyRule r : candidates) {
                if (r.matchesMember(name, desc)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The reason a denied bootstrap prints (rule {@link RuleIds#LINKAGE_BOOTSTRAP}): that of the policy's allow-bootstrap group. */
    String bootstrapReason() {
        return bootstrapReason;
    }

    /** Whether plugin code may read this system property key ({@code allow-property}). */
    boolean propertyAllowed(String key) {
        return allowProperties.contains(key);
    }

    /** Whether a class or member rule names this class (internal form); only such supertypes can change a decision. */
    boolean namesType(String internalName) {
        return denyMembers.containsKey(internalName) || reviewMembers.containsKey(internalName)
                || denyClasses.containsKey(internalName) || reviewClasses.containsKey(internalName);
    }

    /** The first member rule of {@code owners} (a class and its supertypes, nearest first) matching; deny before review. */
    Optional<PolicyRule> memberRule(List<String> owners, String name, String desc) {
        Optional<PolicyRule> deny = firstMember(denyMembers, owners, name, desc);
        return deny.isPresent() ? deny : firstMember(reviewMembers, owners, name, desc);
    }

    private static Optional<PolicyRule> firstMember(Map<String, List<PolicyRule>> rules, List<String> owners, String name, String desc) {
        for (String owner : owners) {
            List<PolicyRule> candidates = rules.get(owner);
            if (candidates != null) {
                for (PolicyRule r : candidates) {
                    if (r.matchesMember(name, desc)) {
                        return Optional.of(r);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The class rule covering a class through itself or a supertype (nearest first); deny before review. */
    Optional<PolicyRule> classRule(List<String> selfAndSupertypes) {
        for (String t : selfAndSupertypes) {
            PolicyRule r = denyClasses.get(t);
            if (r != null) {
                return Optional.of(r);
            }
        }
        for (String t : selfAndSupertypes) {
            PolicyRule r = reviewClasses.get(t);
            if (r != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The deny or review package rule covering a package; deny before review. */
    Optional<PolicyRule> packageRule(String internalPackage) {
        for (PolicyRule r : denyPackages) {
            if (r.coversPackage(internalPackage)) {
                return Optional.of(r);
            }
        }
        for (PolicyRule r : reviewPackages) {
            if (r.coversPackage(internalPackage)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    boolean packageAllowed(String internalPackage) {
        for (PolicyRule r : allowPackages) {
            if (r.coversPackage(internalPackage)) {
                return true;
            }
        }
        return false;
    }

    boolean moduleAllowed(String module) {
        return allowModules.contains(module);
    }

    /**
     * Whether a plugin's layer may read this JDK module: an allowed one, or one an allowed module requires
     * transitively (java.sql gives java.transaction.xa, java.desktop gives java.datatransfer), which the
     * resolver adds to the reads of every module requiring the allowed one (PluginLayers lets it through).
     */
    boolean moduleReadable(String module) {
        return readable.contains(module);
    }
}
