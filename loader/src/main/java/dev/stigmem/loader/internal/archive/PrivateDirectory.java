package dev.stigmem.loader.internal.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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

    /** Names tried before giving up: only names taken already are skipped, so a few suffice. */
    private static final int MAX_ATTEMPTS = 1_000;
    /** rwx------ */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    /**
     * Creates a fresh private directory under {@code parent}, named {@code prefix} and a random
     * unsigned long, in one {@code mkdir} with mode 0700 on POSIX (a name taken already is skipped,
     * never reused). Not {@code Files.createTempDirectory}: its name comes from a
     * {@code SecureRandom}, whose first use initialises the JDK's security providers (the
     * {@code java.security} file parsed, the Sun provider's tables, {@code /dev/urandom} opened),
     * a cost every short CLI run paid, for nothing: the directory is safe because it is made
     * atomically with its mode and never reused, not because its name is secret.
     *
     * @throws IOException when it cannot be created, or every name tried was taken
     */
    public static PrivateDirectory create(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Path dir = parent.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()));
            try {
                return new PrivateDirectory(posix ? Files.createDirectory(dir, OWNER_ONLY) : Files.createDirectory(dir));
            } catch (FileAlreadyExistsException taken) {
                // another directory (or file, or link) has this name: try another
            }
        }
        throw new IOException("cannot create a private directory under " + parent + ": " + MAX_ATTEMPTS + " names tried were all taken");
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
