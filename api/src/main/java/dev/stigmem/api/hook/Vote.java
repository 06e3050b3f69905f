package dev.stigmem.api.hook;

import java.util.Objects;

/** The answer of a voting hook handler: {@link Allow} or {@link Deny} with a reason. */
public sealed interface Vote permits Vote.Allow, Vote.Deny {

    /** Lets the operation go on, as far as this handler is concerned. */
    record Allow() implements Vote {
    }

    /**
     * Stops the operation; the first deny wins.
     *
     * @param reason why, for the caller and the audit trail (not blank)
     */
    record Deny(String reason) implements Vote {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("a deny needs a reason");
            }
        }
    }

    /** The allow vote (one shared instance). */
    static Vote allow() {
        return AllowHolder.ALLOW;
    }

    /** A deny vote with a reason. */
    static Vote deny(String reason) {
        return new Deny(reason);
    }

    /** Whether this vote denies. */
    default boolean isDeny() {
        return this instanceof Deny;
    }
}

final class AllowHolder {
    static final Vote.Allow ALLOW = new Vote.Allow();

    private AllowHolder() {
    }
}
