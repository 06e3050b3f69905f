package dev.stigmem.api.hook;

import dev.stigmem.api.core.Fact;
import java.util.Objects;

/**
 * Payload of the post-assert hooks: a fact the node persisted, and who asserted it.
 *
 * @param fact      the persisted fact
 * @param principal the asserting principal
 */
public record FactEvent(Fact fact, String principal) {
    public FactEvent {
        Objects.requireNonNull(fact, "fact");
        Objects.requireNonNull(principal, "principal");
    }
}
