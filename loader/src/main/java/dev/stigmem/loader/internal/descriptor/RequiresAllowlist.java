package dev.stigmem.loader.internal.descriptor;

import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.ScanPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The modules a plugin module may {@code requires}, each with the reason it is allowed: the
 * {@code allow-module} rules of the scan policy, which is the one place the JDK policy is written.
 * The declaration check, the scan's {@code module.requires} rule, the narrowed platform parent of
 * plugin loaders and the sealing of plain jars all read this same list.
 *
 * @param reasons module name to reason (sorted, unmodifiable)
 */
public record RequiresAllowlist(Map<String, String> reasons) {

    public RequiresAllowlist {
        reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
    }

    /** The allowed modules of a scan policy (shipped rules and the operator's additions). */
    public static RequiresAllowlist from(ScanPolicy policy) {
        Map<String, String> reasons = new TreeMap<>();
        for (PolicyRule rule : policy.rules()) {
            if (rule.kind() == PolicyRule.Kind.ALLOW_MODULE) {
                reasons.merge(rule.owner(), rule.reason(), (a, b) -> a);
            }
        }
        return new RequiresAllowlist(reasons);
    }

    /** Why a module is allowed, if it is. */
    public Optional<String> reason(String module) {
        return Optional.ofNullable(reasons.get(module));
    }
}
