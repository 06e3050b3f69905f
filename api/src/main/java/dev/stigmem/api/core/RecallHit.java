package dev.stigmem.api.core;

import java.util.Objects;

/**
 * One recalled fact and its score (higher ranks first).
 *
 * @param fact  the fact
 * @param score its relevance score
 */
public record RecallHit(Fact fact, double score) {
    public RecallHit {
        Objects.requireNonNull(fact, "fact");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite, was " + score);
        }
    }

    /** This hit with the score moved by {@code delta}. */
    public RecallHit plus(double delta) {
        return new RecallHit(fact, score + delta);
    }
}
