package dev.stigmem.guard;

import java.util.Objects;

/**
 * A JDK call refused to plugin code, as the host's listener receives it (to audit it). Immutable.
 *
 * @param pluginName the plugin whose code made the call
 * @param member     the JDK member, as the policy names it ({@code java.lang.System#getenv})
 * @param ruleId     the policy rule that denies it
 * @param reason     the rule's reason
 */
public record GuardRefusal(String pluginName, String member, String ruleId, String reason) {
    public GuardRefusal {
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(reason, "reason");
    }
}
