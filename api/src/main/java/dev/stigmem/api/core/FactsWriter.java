package dev.stigmem.api.core;

/** Write access to facts; obtained with capability {@code facts.write} (high impact). */
public interface FactsWriter {
    /** Asserts a fact through the node's assert hook sites and returns it as persisted. */
    Fact assertFact(FactDraft draft);

    /**
     * Retracts a fact.
     *
     * @return whether a fact with this id existed and was retracted
     */
    boolean retract(String factId, String reason);
}
