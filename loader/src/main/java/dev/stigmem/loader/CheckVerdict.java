package dev.stigmem.loader;

import java.util.Objects;

/** The outcome of one {@link ArchiveCheck}: the archive may go on to be loaded, or it is rejected. */
public sealed interface CheckVerdict {

    /** The check found nothing that stops loading. */
    static CheckVerdict accept() {
        return Accept.INSTANCE;
    }

    /**
     * The check refuses the archive.
     *
     * @param check  the check's name, for example {@code bytecode-scan}
     * @param reason what it found, for the operator
     */
    static CheckVerdict reject(String check, String reason) {
        return new Reject(check, reason);
    }

    /** Loading may go on. */
    enum Accept implements CheckVerdict {
        INSTANCE
    }

    /**
     * The archive is refused.
     *
     * @param check  the refusing check's name
     * @param reason why
     */
    record Reject(String check, String reason) implements CheckVerdict {
        public Reject {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
