package dev.stigmem.loader.internal.work;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories the loader leaves on disk while it runs, named with the pid of the JVM that made
 * them, so that what a killed process left behind can be told from what a running one uses:
 * {@code stigmem-loader-PID-N} (a loader's own work directory in the temp directory) and
 * {@code plugin-PID-N} (one archive's private copy in a work directory).
 *
 * <p>{@link #sweep} removes, under one parent, the directories of these names whose process is
 * gone: no live process has the pid ({@link ProcessHandle#of}), or the pid is this JVM's but this
 * JVM did not make the directory (a previous process with the same pid: pid 1 in a container).
 * Only real directories (not links) owned by this user are touched; a live process's directories
 * are never removed, a pid reused by an unrelated live process only delays the sweep. Bounded: at
 * most {@link #MAX_SWEPT} directories and {@link #MAX_FILES} files a sweep.
 */
public final class OwnedDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedDirectories.class);

    private static final String LOADER_START = "stigmem-loader-";
    private static final String COPY_START = "plugin-";
    /** A loader's own work directory in the temp directory. */
    public static final Pattern LOADER = Pattern.compile(LOADER_START + "([0-9]{1,10})-[0-9]{1,20}");
    /** One archive's private copy in a work directory. */
    public static final Pattern COPY = Pattern.compile(COPY_START + "([0-9]{1,10})-[0-9]{1,20}");

    static final int MAX_SWEPT = 256;
    static final int MAX_FILES = 100_000;

    private static final long PID = ProcessHandle.current().pid();
    // Directories this JVM made and may still use; a directory with this JVM's pid not in here is a
    // previous process's. Creating (and registering) and sweeping this JVM's pid exclude each other.
    private static final Set<Path> MADE_HERE = ConcurrentHashMap.newKeySet();
    private static final ReentrantReadWriteLock MAKING = new ReentrantReadWriteLock();

    private OwnedDirectories() {
    }

    /** {@code stigmem-loader-PID-}: the prefix of a loader's work directory. */
    public static String loaderPrefix() {
        return LOADER_START + PID + "-";
    }

    /** {@code plugin-PID-}: the prefix of a private copy. */
    public static String copyPrefix() {
        return COPY_START + PID + "-";
    }

    /**
     * The literal start of every name {@code pattern} matches: of {@link #LOADER} and {@link #COPY},
     * their fixed word; of any other pattern, nothing (every name goes to the regex).
     */
    private static String fixedStart(Pattern pattern) {
        return pattern == LOADER ? LOADER_START : pattern == COPY ? COPY_START : "";
    }

    /** Something that makes a directory. */
    @FunctionalInterface
    public interface Maker {
        Path make() throws IOException;
    }

    /** Makes a directory of this JVM's and registers it, so that no sweep in this JVM takes it for a dead process's. */
    public static Path make(Maker maker) throws IOException {
        MAKING.readLock().lock();
        try {
            Path dir = maker.make();
            MADE_HERE.add(dir.toAbsolutePath().normalize());
            if (MADE_HERE.size() > 4_096) {
                MADE_HERE.removeIf(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS));
            }
            return dir;
        } finally {
            MAKING.readLock().unlock();
        }
    }

    /** Deletes a directory this JVM made, and everything in it; missing is fine. */
    public static void delete(Path dir) throws IOException {
        deleteTree(dir, new int[] {Integer.MAX_VALUE});
        MADE_HERE.remove(dir.toAbsolutePath().normalize());
    }

    /**
     * Removes the directories named by {@code pattern} under {@code parent} whose process is gone.
     *
     * @return the directories removed
     */
    public static List<Path> sweep(Path parent, Pattern pattern) {
        List<Path> removed = new ArrayList<>();
        // Looked up at the first directory left by a process that is gone: a temp directory
        // usually holds none, and hundreds of other entries.
        UserPrincipal me = null;
        String fixedStart = fixedStart(pattern);
        int[] files = {MAX_FILES};
        MAKING.writeLock().lock();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                if (removed.size() >= MAX_SWEPT || files[0] <= 0) {
                    break;
                }
                String name = String.valueOf(p.getFileName());
                if (!name.startsWith(fixedStart)) {
                    continue; // (the pattern cannot match it; telling so costs no regex)
                }
                Matcher m = pattern.matcher(name);
                if (!m.matches() || !ownerGone(Long.parseLong(m.group(1)), p)) {
                    continue;
                }
                if (me == null) {
                    try {
                        me = parent.getFileSystem().getUserPrincipalLookupService()
                                .lookupPrincipalByName(System.getProperty("user.name"));
                    } catch (IOException | UnsupportedOperationException e) {
                        LOG.debug("not sweeping {}: cannot tell who owns it ({})", parent, e.toString());
                        return removed;
                    }
                }
                try {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || !me.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS))) {
                        continue; // a link, a file, or someone else's: not ours to remove
                    }
                    deleteTree(p, files);
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        removed.add(p);
                    }
                } catch (IOException e) {
                    LOG.warn("cannot remove {}, left by a process that is gone: {}", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for directories left by processes that are gone: {}", parent, e.toString());
        } finally {
            MAKING.writeLock().unlock();
        }
        if (!removed.isEmpty()) {
            LOG.info("removed {} director{} left in {} by processes that are gone: {}", removed.size(),
                    removed.size() == 1 ? "y" : "ies", parent, removed.stream().map(Path::getFileName).toList());
        }
        return removed;
    }

    private static boolean ownerGone(long pid, Path dir) {
        if (pid == PID) {
            return !MADE_HERE.contains(dir.toAbsolutePath().normalize());
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        return p.isEmpty() || !p.get().isAlive();
    }

    /** Deletes a tree without following links, at most {@code budget[0]} entries. */
    private static void deleteTree(Path root, int[] budget) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (budget[0]-- <= 0) {
                        return FileVisitResult.TERMINATE;
                    }
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null && !(exc instanceof NoSuchFileException)) {
                        throw exc;
                    }
                    if (budget[0]-- <= 0) {
                        return FileVisitResult.TERMINATE;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // removed meanwhile (another sweep)
        }
    }
}
