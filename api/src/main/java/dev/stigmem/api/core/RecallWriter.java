package dev.stigmem.api.core;

/** Mutation of recall state (ranking weights); obtained with capability {@code recall.write} (high impact). */
public interface RecallWriter {
    /**
     * Sets a standing weight added to a fact's recall score.
     *
     * @param weight a finite value between -1,000 and 1,000
     */
    void setWeight(String factId, double weight);

    /** Removes a fact's standing weight; returns whether it had one. */
    boolean clearWeight(String factId);
}
