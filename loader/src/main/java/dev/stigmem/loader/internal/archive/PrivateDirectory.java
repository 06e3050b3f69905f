package dev.stigmem.loader.internal.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory only the loader's user can read or write (0700 on POSIX), holding the loader's
 * private copies of one archive. The operator's file is copied in before it is parsed, and the
 * layer's jars are written here from the verified image, so replacing the operator's file while
 * loading changes nothing that is checked or loaded.
 */
public final class PrivateDirectory implements AutoCloseable {
    private final Path path;

    private PrivateDirectory(Path path) {
        this.path = path;
    }

    /** Creates a fresh private directory under {@code parent}. */
    public static PrivateDirectory create(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        Path dir = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempDirectory(parent, prefix,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory(parent, prefix);
        return new PrivateDirectory(dir);
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it. Idempotent. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the loader's private directory " + path, e);
        }
    }
}
