package dev.stigmem.node;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An audit event could not be made durable (disk full, I/O error), so the effect it records was
 * refused: the node fails closed, it does not act unaudited. What was written of the event was cut
 * off again, so the trail still ends with its last complete event and the next write may succeed
 * (once there is space). The message names the trail and the event's action.
 */
public final class AuditFailedException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    public AuditFailedException(String message, IOException cause) {
        super(message, cause);
    }
}
