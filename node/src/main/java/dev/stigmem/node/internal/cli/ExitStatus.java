package dev.stigmem.node.internal.cli;

/** The launcher's exit statuses (SPEC "CLI"), and how an uncaught failure maps onto them. */
final class ExitStatus {
    static final int OK = 0;
    static final int REJECTED = 1;
    static final int USAGE_OR_INPUT = 2;

    private ExitStatus() {
    }

    /** Anything that escapes a command is a failure of its input or use, never a silent 0. */
    static int of(Throwable t) {
        return USAGE_OR_INPUT;
    }
}
