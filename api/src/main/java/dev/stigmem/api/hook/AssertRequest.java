package dev.stigmem.api.hook;

import dev.stigmem.api.core.FactDraft;
import java.util.Objects;

/**
 * Payload of the pre-assert hooks: who asserts which fact.
 *
 * @param principal the asserting principal
 * @param draft     the fact as asserted
 */
public record AssertRequest(String principal, FactDraft draft) {
    public AssertRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(draft, "draft");
    }

    /** This request with another draft. */
    public AssertRequest withDraft(FactDraft newDraft) {
        return new AssertRequest(principal, newDraft);
    }
}
