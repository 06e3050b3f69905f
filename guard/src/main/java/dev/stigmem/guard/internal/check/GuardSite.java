package dev.stigmem.guard.internal.check;

import java.util.Objects;

/**
 * One instrumented JDK method and the policy line it enforces. Immutable.
 *
 * @param member  the member as the policy names it, {@code owner#name} (for an override, the policy's
 *                owner with the overriding method's name), shown in refusals
 * @param ruleId  the policy rule's id
 * @param reason  the policy rule's reason
 * @param mode    who is judged
 */
public record GuardSite(String member, String ruleId, String reason, Mode mode) {

    /** Who a call is attributed to. */
    public enum Mode {
        /** The immediate caller, past reflection and method-handle frames ({@code guard-member}). */
        CALLER,
        /** The first caller outside the JDK; JDK class initialisation and class loading pass ({@code guard-entry}). */
        FIRST_OUTSIDE_JDK
    }

    public GuardSite {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(mode, "mode");
    }
}
