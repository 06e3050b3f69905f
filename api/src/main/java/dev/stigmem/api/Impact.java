package dev.stigmem.api;

/**
 * How much a capability lets a plugin affect, as the capability reference labels it for reviewers.
 *
 * <p>The reference labels capabilities "Read-oriented", "Sensitive" or "High impact". Where it
 * gives no label ({@code audit.emit}, {@code federation.read}, {@code tenant.read},
 * {@code config.read}) the capability is read-only or append-only and is classed
 * {@link #READ_ORIENTED}; its review guidance still says what to check.
 */
public enum Impact {
    /** Reads state, or appends to the audit trail; review what it may expose. */
    READ_ORIENTED("read-oriented"),
    /** Reads data that reveals actors, identities or operations. */
    SENSITIVE("sensitive"),
    /** Writes or mutates shared state, or reaches outside the node. */
    HIGH_IMPACT("high impact");

    private final String label;

    Impact(String label) {
        this.label = label;
    }

    /** The reviewer-facing label, as the capability reference words it. */
    public String label() {
        return label;
    }
}
