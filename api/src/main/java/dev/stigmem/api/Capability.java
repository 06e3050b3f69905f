package dev.stigmem.api;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The thirteen capabilities a plugin may declare in {@link StigmemPlugin#capabilities()}.
 *
 * <p>Ids, impact and review guidance are those of the capability reference. The accessor that a
 * capability gates, and the handle type it returns, are not written here: they are read from the
 * {@link Gated} annotations on {@link PluginContext}, the single place that maps capabilities to
 * accessors (see {@link #accessor()}).
 *
 * <p>Thread-safe and immutable.
 */
public enum Capability {
    FACTS_READ("facts.read", Impact.READ_ORIENTED,
            "Read-oriented fact access. Verify the plugin has a need to inspect facts in the scopes it will operate on."),
    FACTS_WRITE("facts.write", Impact.HIGH_IMPACT,
            "Write-oriented fact access. High impact. Confirm writes are namespaced, auditable, and bounded by operator policy."),
    RECALL_READ("recall.read", Impact.READ_ORIENTED,
            "Read-oriented recall access. Review data exposure risk because recall may combine multiple facts into richer context."),
    RECALL_WRITE("recall.write", Impact.HIGH_IMPACT,
            "Write or mutation access for recall state. High impact. Confirm the plugin cannot poison ranking or recall state outside its intended scope."),
    AUDIT_EMIT("audit.emit", Impact.READ_ORIENTED,
            "Emit audit events. Does not grant read access to audit history."),
    AUDIT_READ("audit.read", Impact.SENSITIVE,
            "Read audit data. Sensitive. Audit trails can reveal actors, target entities, tenant identifiers, and operational metadata."),
    FEDERATION_READ("federation.read", Impact.READ_ORIENTED,
            "Read federation state. Review peer metadata exposure and whether the plugin can infer trust relationships."),
    FEDERATION_WRITE("federation.write", Impact.HIGH_IMPACT,
            "Write or mutation access. High impact. Federation mutation can affect peer behavior and propagation."),
    IDENTITY_READ("identity.read", Impact.SENSITIVE,
            "Read identity state. Sensitive. Identity metadata can affect authorization, attribution, and audit review."),
    TENANT_READ("tenant.read", Impact.READ_ORIENTED,
            "Read tenant context. Review multi-tenant boundary impact."),
    TENANT_WRITE("tenant.write", Impact.HIGH_IMPACT,
            "Write or mutation access. High impact. Tenant mutation can affect isolation and routing."),
    CONFIG_READ("config.read", Impact.READ_ORIENTED,
            "Read node or plugin configuration. Review whether configuration contains secrets, trusted publisher identities, or topology."),
    NETWORK_OUTBOUND("network.outbound", Impact.HIGH_IMPACT,
            "Outbound network access. High impact. Review destination allowlists, data exfiltration risk, and timeout behavior.");

    private final String id;
    private final Impact impact;
    private final String reviewGuidance;

    Capability(String id, Impact impact, String reviewGuidance) {
        this.id = id;
        this.impact = impact;
        this.reviewGuidance = reviewGuidance;
    }

    /** The id a manifest declares, for example {@code facts.read}. */
    public String id() {
        return id;
    }

    /** The impact label of the capability reference. */
    public Impact impact() {
        return impact;
    }

    /** What a reviewer should check before granting this capability (capability reference, verbatim). */
    public String reviewGuidance() {
        return reviewGuidance;
    }

    /**
     * The {@link PluginContext} accessor this capability gates, read from its {@link Gated}
     * annotation. The runtime gate and the bytecode scanner both use this, never a copy.
     */
    public Method accessor() {
        return CapabilityAccessors.accessor(this);
    }

    /** The name of {@link #accessor()}, for example {@code getFactsReader}. */
    public String accessorName() {
        return accessor().getName();
    }

    /** The core API handle type the accessor returns inside its {@code Optional}. */
    public Class<?> handleType() {
        return CapabilityAccessors.handleType(this);
    }

    /** The capability whose accessor returns the given handle type, if any. */
    public static Optional<Capability> forHandleType(Class<?> handleType) {
        return CapabilityAccessors.forHandleType(handleType);
    }

    /** The capability gating the {@link PluginContext} method of this name, if any. */
    public static Optional<Capability> forAccessorName(String accessorName) {
        return CapabilityAccessors.forAccessorName(accessorName);
    }

    /** The capability with this id, if it is one of the known ones. */
    public static Optional<Capability> lookup(String id) {
        for (Capability c : values()) {
            if (c.id.equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The capability with this id.
     *
     * @throws IllegalArgumentException if the id is not known; the message lists the known ids
     */
    public static Capability of(String id) {
        return lookup(id).orElseThrow(() -> new IllegalArgumentException(unknownMessage(id)));
    }

    /** The ids of all capabilities, in declaration order. */
    public static List<String> knownIds() {
        return Arrays.stream(values()).map(Capability::id).collect(Collectors.toUnmodifiableList());
    }

    static String unknownMessage(String id) {
        return "unknown capability '" + id + "'; known capabilities: " + String.join(", ", knownIds());
    }

    @Override
    public String toString() {
        return id;
    }
}
