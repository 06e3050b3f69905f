package dev.stigmem.api;

import java.util.Objects;

/**
 * Thrown by the node's runtime JDK guard when plugin code calls a JDK method that the scan policy
 * denies to plugins (processes, files, network and name resolution, the environment, JVM-wide state,
 * class definition, reflection, shared thread pools, ...), however the call was reached.
 *
 * <p>The message names the plugin, the JDK member and the policy rule, for example
 * {@code plugin 'example-plugin' cannot call java.lang.System#getenv: rule 'system.properties' (...)}.
 * Like {@link CapabilityError}, a handler that lets it escape fails like any other failing handler;
 * one that catches it is still on record, since the node audits every refusal where it happens.
 */
public class JdkAccessError extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String member;
    private final String ruleId;

    /**
     * @param pluginName the plugin whose code made the call
     * @param member     the JDK member refused, as {@code java.lang.System#getenv}
     * @param ruleId     the id of the policy rule that denies it
     * @param reason     the rule's reason
     */
    public JdkAccessError(String pluginName, String member, String ruleId, String reason) {
        super("plugin '" + Objects.requireNonNull(pluginName, "pluginName") + "' cannot call "
                + Objects.requireNonNull(member, "member") + ": rule '" + Objects.requireNonNull(ruleId, "ruleId")
                + "' (" + Objects.requireNonNull(reason, "reason") + ")");
        this.pluginName = pluginName;
        this.member = member;
        this.ruleId = ruleId;
    }

    /** The plugin whose code made the call. */
    public String pluginName() {
        return pluginName;
    }

    /** The JDK member refused, for example {@code java.lang.System#getenv}. */
    public String member() {
        return member;
    }

    /** The id of the policy rule that denies it, for example {@code system.properties}. */
    public String ruleId() {
        return ruleId;
    }
}
