package dev.stigmem.node.internal.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes the SARIF logs of {@code scan --sarif} and {@code review --sarif}. */
final class Sarif {

    private Sarif() {
    }

    /**
     * Writes the log to {@code file} whole or not at all (a temporary file beside it, then a move),
     * creating missing parent directories.
     *
     * @throws UncheckedIOException naming the file when it cannot be written (the command exits 2)
     */
    static void write(Path file, String sarif) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            // Not createTempFile: its 0600 would stay on the log, which CI uploads and others read.
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                Files.writeString(tmp, sarif, StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SARIF log " + file + ": " + e, e);
        }
    }
}
