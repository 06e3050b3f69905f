package dev.stigmem.loader.internal.archive;

import dev.stigmem.loader.ArchiveFormatException;
import dev.stigmem.loader.ArchiveLimits;
import dev.stigmem.loader.internal.trust.EscapedText;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a plugin archive into memory within {@link ArchiveLimits}, without running anything in it.
 *
 * <p>Three shapes are accepted: a {@code .jar} file (the plugin jar alone), a {@code .zip} file or
 * a directory holding only {@code .jar} files at its top level (the plugin jar and its private
 * libraries). The operator's bytes are copied into the loader's {@link PrivateDirectory} first and
 * parsed from there (the jars of a zip are extracted there too): {@link ZipStructure} makes sure that
 * every zip reader sees the same, {@link ZipFile} lists each jar's entries (the central directory, as
 * the JDK's module-path loader reads a jar), which must be those, and {@link EntryInflater} reads their
 * data where the verified local headers put it. Every entry's CRC and size are checked against what
 * was read.
 *
 * <p>Memory: every jar's structure is checked first (holding only its central directory, taken
 * from the {@link MemoryBudget} while the check runs); then what the archive's entries will hold,
 * by their declared sizes, is checked against {@link ArchiveLimits#maxHeldBytes()} and taken from
 * the budget, before any entry is inflated; no entry is inflated past its declared size. The
 * archive's share stays taken until {@link #close()}: close the reader when its jars are no longer
 * used.
 *
 * <p>Not thread-safe; one reader reads one archive.
 */
public final class ArchiveReader implements AutoCloseable {
    /** A jar's file name becomes its automatic module name, so keep it to plain characters. */
    private static final Pattern JAR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,126}\\.jar");
    /** Longest name quoted in a message, in code points. */
    private static final int SHOWN_NAME = 200;
    /** File names tried in the private directory before giving up (only taken ones are skipped). */
    private static final int MAX_FILE_ATTEMPTS = 1_000;
    /** rw------- */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_READ_WRITE = PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private final ArchiveLimits limits;
    private final Path archive;
    private final PrivateDirectory workspace;
    private final MemoryBudget budget;
    private MemoryBudget.Grant held;
    /** Uncompressed bytes extracted (jars of a zip) or declared by the entries to inflate ({@code maxTotalBytes}). */
    private long totalBytes;
    /** The reader's files in the private directory, deleted when reading ends. */
    private final List<Path> created = new ArrayList<>();
    private final boolean posixFiles = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** A reader with a budget of its own (as large as the concurrent budget of {@code limits}). */
    public ArchiveReader(ArchiveLimits limits, Path archive, PrivateDirectory workspace) {
        this(limits, archive, workspace, new MemoryBudget(limits.maxConcurrentHeldBytes()));
    }

    /**
     * @param budget shared by the archives read at the same time; its capacity must be at least
     *               {@link ArchiveLimits#maxHeldBytes()}
     */
    public ArchiveReader(ArchiveLimits limits, Path archive, PrivateDirectory workspace, MemoryBudget budget) {
        if (budget.capacity() < limits.maxHeldBytes()) {
            throw new IllegalArgumentException("the memory budget is smaller than the budget of one archive");
        }
        this.limits = limits;
        this.archive = archive;
        this.workspace = workspace;
        this.budget = budget;
    }

    /** A jar copied or extracted into the private directory whose structure was checked: not inflated yet. */
    private record Checked(String name, Path file, Optional<String> where, List<ZipStructure.CentralEntry> central) {
    }

    /**
     * Reads every jar of the archive.
     *
     * @return the jars, sorted by name (at least one)
     * @throws ArchiveFormatException when the archive is unreadable, unsafe, ambiguous or over a limit
     */
    public List<JarImage> read() {
        if (held != null) {
            throw new IllegalStateException("an archive reader reads once");
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(archive, BasicFileAttributes.class);
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be read: " + describe(e), e);
        }
        try {
            return readAll(attrs);
        } finally {
            for (Path p : created) {
                delete(p);
            }
        }
    }

    private List<JarImage> readAll(BasicFileAttributes attrs) {
        List<Checked> jars;
        String fileName = String.valueOf(archive.getFileName());
        if (attrs.isDirectory()) {
            jars = checkDirectory();
        } else if (!attrs.isRegularFile()) {
            throw fail(Optional.empty(), "is neither a regular file nor a directory", null);
        } else if (fileName.endsWith(".jar")) {
            String name = jarName(fileName, Optional.empty());
            Path copy = copyIn(archive, Optional.empty(), limits.maxArchiveBytes());
            jars = List.of(check(name, copy, Optional.of(name), limits.maxEntriesPerJar()));
        } else if (fileName.endsWith(".zip")) {
            jars = checkBundle(copyIn(archive, Optional.empty(), limits.maxArchiveBytes()));
        } else {
            throw fail(Optional.empty(), "is not a plugin archive: expected a .jar, a .zip or a directory of jars", null);
        }
        if (jars.isEmpty()) {
            throw fail(Optional.empty(), "is empty: it holds no jar", null);
        }
        reserve(jars);
        List<JarImage> images = new ArrayList<>(jars.size());
        try {
            for (Checked c : jars) {
                images.add(inflate(c));
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        images.sort(Comparator.comparing(JarImage::name));
        return List.copyOf(images);
    }

    /** Bytes of the budget this reader holds for the archive's image (0 before {@link #read()} and after close). */
    public long heldBytes() {
        return held == null ? 0 : held.bytes();
    }

    /** Gives the archive's share of the memory budget back; its jars must no longer be used. Idempotent. */
    @Override
    public void close() {
        if (held != null) {
            held.close();
        }
    }

    private List<Checked> checkDirectory() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(archive)) {
            for (Path p : dir) {
                if (files.size() >= limits.maxJars()) {
                    throw fail(Optional.empty(), String.format(Locale.ROOT,
                            "holds more than %d files (limit)", limits.maxJars()), null);
                }
                files.add(p);
            }
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be listed: " + describe(e), e);
        }
        files.sort(null);
        long left = limits.maxArchiveBytes();
        List<Checked> jars = new ArrayList<>();
        for (Path p : files) {
            String name = String.valueOf(p.getFileName());
            Optional<String> entry = Optional.of(name);
            // A link could point anywhere, including at a file that changes between checks.
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw fail(entry, "is not a regular file (directories and links are not accepted in a plugin directory)", null);
            }
            String jar = jarName(name, entry);
            Path copy = copyIn(p, entry, left);
            left -= size(copy);
            jars.add(check(jar, copy, entry, limits.maxEntriesPerJar()));
        }
        return jars;
    }

    /** A zip of jars: only {@code *.jar} entries at the top level, each extracted into the private directory. */
    private List<Checked> checkBundle(Path zip) {
        Checked bundle = check("bundle.zip", zip, Optional.empty(), limits.maxJars());
        List<ZipStructure.CentralEntry> entries = bundle.central().stream()
                .filter(c -> !c.directory())
                .sorted(Comparator.comparing(ZipStructure.CentralEntry::name))
                .toList();
        for (var c : entries) {
            Optional<String> entry = Optional.of(c.name());
            if (c.name().indexOf('/') >= 0) {
                throw fail(entry, "a plugin zip holds jars at its top level only", null);
            }
            jarName(c.name(), entry);
            checkDeclaredSize(c, "");
        }
        List<Checked> jars = new ArrayList<>();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (var c : entries) {
                Optional<String> entry = Optional.of(c.name());
                ZipEntry ze = zf.getEntry(c.name());
                if (ze == null || ze.getSize() != c.size() || ze.getCompressedSize() != c.compressedSize()) {
                    throw fail(entry, "is listed differently by the zip reader than by the central directory", null);
                }
                Path file = privateFile();
                extract(zf, ze, c, file, entry);
                jars.add(check(c.name(), file, entry, limits.maxEntriesPerJar()));
            }
        } catch (ZipException e) {
            throw fail(Optional.empty(), "is not a valid zip: " + describe(e), e);
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be read: " + describe(e), e);
        } finally {
            delete(zip);
        }
        return jars;
    }

    /** Streams one jar of a zip into a file of the private directory, at most its declared size, checking size and CRC. */
    private void extract(ZipFile zf, ZipEntry ze, ZipStructure.CentralEntry c, Path file, Optional<String> entry) throws IOException {
        CRC32 crc = new CRC32();
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = zf.getInputStream(ze);
             OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, c.size() - written + 1))) > 0) {
                written += n;
                if (written > c.size()) {
                    throw fail(entry, "holds more bytes than its zip declares (" + c.size() + ")", null);
                }
                crc.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        if (written != c.size() || crc.getValue() != c.crc()) {
            throw fail(entry, "its content does not match the size or CRC the zip declares", null);
        }
    }

    /**
     * Checks a jar's structure in place: the end record, then (with the central directory's bytes
     * taken from the budget for as long as the check runs) every record against its local header.
     * Entry names, duplicates and declared sizes are checked here too, before anything is inflated.
     */
    private Checked check(String name, Path file, Optional<String> where, int maxEntries) {
        List<ZipStructure.CentralEntry> central;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ZipStructure.EndRecord end = ZipStructure.endRecord(ch);
            if (end.entries() > maxEntries) {
                throw fail(where, String.format(Locale.ROOT, "holds %d entries, more than the limit of %d",
                        end.entries(), maxEntries), null);
            }
            if (end.directorySize() > limits.maxHeldBytes()) {
                throw fail(where, String.format(Locale.ROOT,
                        "its central directory is %d bytes, more than the memory budget of %d bytes per archive (maxHeldBytes)",
                        end.directorySize(), limits.maxHeldBytes()), null);
            }
            try (MemoryBudget.Grant directory = budget.take(end.directorySize())) {
                central = ZipStructure.verify(ch, end);
            }
        } catch (ZipStructure.ZipStructureException e) {
            throw fail(where, "is not a safe zip: " + e.getMessage(), null);
        } catch (IOException e) {
            throw fail(where, "cannot be read: " + describe(e), e);
        }
        Set<String> names = new HashSet<>();
        String prefix = where.map(w -> w + "!/").orElse("");
        for (var c : central) {
            checkName(c.name(), prefix);
            if (!names.add(c.name())) {
                throw fail(where, "holds the entry '" + shown(c.name()) + "' twice", null);
            }
        }
        return new Checked(name, file, where, central);
    }

    /**
     * An entry's declared size against the entry and ratio limits, before it is inflated. Where the
     * entry is ({@code prefix} and its name) is joined only for a message: this runs for every entry.
     */
    private void checkDeclaredSize(ZipStructure.CentralEntry c, String prefix) {
        if (c.size() > limits.maxEntryBytes()) {
            throw fail(Optional.of(prefix + c.name()), String.format(Locale.ROOT,
                    "is larger than the limit of %d bytes uncompressed (its zip declares %d)", limits.maxEntryBytes(), c.size()), null);
        }
        if (c.size() > ArchiveLimits.RATIO_FLOOR_BYTES) { // (checkRatio passes anything smaller)
            checkRatio(c.size(), c.compressedSize(), Optional.of(prefix + c.name()));
        }
        if (c.size() > limits.maxTotalBytes() - totalBytes) {
            throw fail(Optional.of(prefix + c.name()), String.format(Locale.ROOT,
                    "takes the archive past the limit of %d bytes uncompressed in all", limits.maxTotalBytes()), null);
        }
        totalBytes += c.size();
    }

    private void checkRatio(long size, long compressed, Optional<String> at) {
        if (size > ArchiveLimits.RATIO_FLOOR_BYTES && compressed > 0 && size / compressed > limits.maxCompressionRatio()) {
            throw fail(at, String.format(Locale.ROOT,
                    "compresses %d bytes into %d, past the ratio limit of %d (a zip bomb?)",
                    size, compressed, limits.maxCompressionRatio()), null);
        }
    }

    /**
     * What the archive's image will hold, from the declared sizes of its entries: refused over
     * {@link ArchiveLimits#maxHeldBytes()}, else taken from the budget (waiting while other archives
     * hold it). Nothing has been inflated yet.
     */
    private void reserve(List<Checked> jars) {
        long need = 0;
        int entries = 0;
        long declared = 0;
        for (Checked jar : jars) {
            String prefix = jar.where().map(w -> w + "!/").orElse("");
            for (var c : jar.central()) {
                entries++;
                need += ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2L * c.name().length();
                if (c.directory()) {
                    continue;
                }
                checkDeclaredSize(c, prefix);
                declared += c.size();
                need += c.size();
                if (c.name().endsWith(".class")) {
                    need += ArchiveLimits.CLASS_OVERHEAD_BYTES;
                }
            }
        }
        if (need > limits.maxHeldBytes()) {
            throw fail(Optional.empty(), String.format(Locale.ROOT,
                    "its %d entries declare %d bytes uncompressed; held in memory with their bookkeeping that is %d bytes, "
                            + "more than the memory budget of %d bytes per archive (maxHeldBytes); nothing was inflated",
                    entries, declared, need, limits.maxHeldBytes()), null);
        }
        held = budget.take(need);
    }

    /**
     * Reads a checked jar, each entry into an array of its declared size, and deletes the jar's copy.
     * {@link ZipFile} lists the entries (names, kinds, sizes and CRCs, as the JDK reads the central
     * directory), which must be the ones the structure check found; their data is read by one
     * {@link EntryInflater} at the offsets the structure check verified. Directory entries are dropped.
     */
    private JarImage inflate(Checked jar) {
        Optional<String> where = jar.where();
        Map<String, ZipStructure.CentralEntry> byName = new HashMap<>();
        for (var c : jar.central()) {
            byName.put(c.name(), c);
        }
        TreeMap<String, byte[]> entries = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        // Where an entry is, for messages: built only when one is written (not per entry).
        String prefix = where.map(w -> w + "!/").orElse("");
        try (ZipFile zf = new ZipFile(jar.file().toFile());
             FileChannel channel = FileChannel.open(jar.file(), StandardOpenOption.READ);
             EntryInflater data = new EntryInflater(channel)) {
            int count = 0;
            Enumeration<? extends ZipEntry> en = zf.entries();
            while (en.hasMoreElements()) {
                ZipEntry ze = en.nextElement();
                count++;
                String entryName = ze.getName();
                ZipStructure.CentralEntry c = byName.get(entryName);
                if (c == null) {
                    // A name of the central directory was checked by check(); only another one is checked here.
                    checkName(entryName, prefix);
                }
                if (!seen.add(entryName) || c == null || ze.isDirectory() != c.directory()) {
                    throw fail(Optional.of(prefix + entryName), "is listed twice or differently by the zip reader", null);
                }
                if (c.directory()) {
                    continue;
                }
                entries.put(entryName, readEntry(data, ze, c, prefix));
            }
            if (count != jar.central().size()) {
                throw fail(where, String.format(Locale.ROOT,
                        "the zip reader lists %d entries, the central directory %d", count, jar.central().size()), null);
            }
        } catch (ZipException e) {
            throw fail(where, "is not a valid zip: " + describe(e), e);
        } catch (IOException e) {
            throw fail(where, "cannot be read: " + describe(e), e);
        } finally {
            delete(jar.file());
        }
        return JarImage.adopt(jar.name(), entries);
    }

    /** One entry into an array of exactly its declared size (taken from the budget already); a byte more is refused. */
    private byte[] readEntry(EntryInflater inflater, ZipEntry ze, ZipStructure.CentralEntry c, String prefix) throws IOException {
        if (ze.getSize() != c.size() || ze.getCompressedSize() != c.compressedSize() || ze.getCrc() != c.crc()
                || ze.getMethod() != c.method()) {
            throw fail(Optional.of(prefix + ze.getName()), "is listed differently by the zip reader than by the central directory", null);
        }
        byte[] data = new byte[(int) c.size()];
        int n;
        boolean more;
        try {
            // Declared sizes can lie: stop at the declared size, and refuse an entry that has more.
            EntryInflater.Read read = inflater.read(c, data);
            n = read.length();
            more = read.more();
        } catch (EOFException e) {
            throw fail(Optional.of(prefix + ze.getName()), "its compressed data ends too early (truncated)", e);
        } catch (IOException e) {
            throw fail(Optional.of(prefix + ze.getName()), "cannot be inflated: " + describe(e), e);
        }
        if (more) {
            throw fail(Optional.of(prefix + ze.getName()), "holds more bytes than its zip declares (" + c.size() + "): its content does not "
                    + "match the size or CRC the zip declares", null);
        }
        if (n > ArchiveLimits.RATIO_FLOOR_BYTES) { // (the name concatenated only where the ratio is checked)
            checkRatio(n, ze.getCompressedSize(), Optional.of(prefix + ze.getName()));
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, n);
        if (n != c.size() || crc.getValue() != c.crc()) {
            throw fail(Optional.of(prefix + ze.getName()), "its content does not match the size or CRC the zip declares", null);
        }
        return data;
    }

    /** Checks an entry name; {@code prefix} and the name say where it is in messages (joined only for one). */
    private void checkName(String name, String prefix) {
        if (name.length() > limits.maxNameLength()) {
            throw fail(Optional.of(prefix + name), String.format(Locale.ROOT,
                    "entry name is %d characters long, more than the limit of %d", name.length(), limits.maxNameLength()), null);
        }
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0) {
            throw fail(Optional.of(prefix + name), "entry name is absolute, empty or uses '\\' or ':'", null);
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                throw fail(Optional.of(prefix + name), "entry name holds a control character", null);
            }
        }
        // The segments of the name without its trailing '/' (what split("/", -1) gives), walked in
        // place: no array and no substring per entry, which a short run interprets for every entry.
        int end = name.endsWith("/") ? name.length() - 1 : name.length();
        int depth = 1;
        for (int i = 0; i < end; i++) {
            if (name.charAt(i) == '/') {
                depth++;
            }
        }
        if (depth > limits.maxNameDepth()) {
            throw fail(Optional.of(prefix + name), String.format(Locale.ROOT, "entry name is nested %d deep, more than the limit of %d",
                    depth, limits.maxNameDepth()), null);
        }
        int start = 0;
        while (start <= end) {
            int slash = name.indexOf('/', start);
            int stop = slash < 0 || slash > end ? end : slash;
            int length = stop - start;
            if (length == 0 || (length <= 2 && name.charAt(start) == '.' && (length == 1 || name.charAt(start + 1) == '.'))) {
                throw fail(Optional.of(prefix + name), "entry name has an empty, '.' or '..' segment (path traversal)", null);
            }
            start = stop + 1;
        }
    }

    /** Copies a file of the operator into the private directory, refusing it past {@code max} bytes. */
    private Path copyIn(Path file, Optional<String> where, long max) {
        Path copy = privateFile();
        long copied = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ);
             OutputStream out = Files.newOutputStream(copy, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, max - copied + 1))) > 0) {
                copied += n;
                if (copied > max) {
                    throw fail(where, String.format(Locale.ROOT, "is larger than the limit of %d bytes",
                            limits.maxArchiveBytes()), null);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw fail(where, "cannot be read: " + describe(e), e);
        }
        return copy;
    }

    /**
     * A new empty file in the private directory (0600 on POSIX), deleted when reading ends. Numbered
     * rather than {@code Files.createTempFile}'s random names: nobody else can write in the private
     * directory, so a name needs to be new, not secret, and a {@code SecureRandom} would initialise
     * the JDK's security providers for it (see {@link PrivateDirectory#create}).
     */
    private Path privateFile() {
        try {
            // Another reader of the same directory may have taken a number: the next one is tried.
            for (int n = created.size(); n < created.size() + MAX_FILE_ATTEMPTS; n++) {
                try {
                    Path file = posixFiles
                            ? Files.createFile(workspace.path().resolve("read-" + n + ".zip"), OWNER_READ_WRITE)
                            : Files.createFile(workspace.path().resolve("read-" + n + ".zip"));
                    created.add(file);
                    return file;
                } catch (FileAlreadyExistsException taken) {
                    // next number
                }
            }
            throw new FileSystemException(workspace.path().toString(), null, "no free file name");
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be copied into the loader's private directory: " + describe(e), e);
        }
    }

    private long size(Path copy) {
        try {
            return Files.size(copy);
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be copied into the loader's private directory: " + describe(e), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The whole private directory is deleted when the load ends.
        }
    }

    private String jarName(String name, Optional<String> where) {
        if (!JAR_NAME.matcher(name).matches()) {
            throw fail(where, "jar name '" + shown(name) + "' must match " + JAR_NAME.pattern(), null);
        }
        return name;
    }

    private ArchiveFormatException fail(Optional<String> entry, String reason, Throwable cause) {
        return new ArchiveFormatException(archive, entry.map(ArchiveReader::shown), reason, cause);
    }

    /**
     * An I/O failure in words, for operators: what went wrong, without the exception's class (the
     * cause the exception carries has it, for {@code --verbose} and the JSON report). The JDK's
     * messages quote names from the archive, so they are escaped.
     */
    public static String describe(IOException e) {
        String detail = e.getMessage() == null ? "" : " (" + EscapedText.bounded(e.getMessage(), SHOWN_NAME) + ")";
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof NotDirectoryException) {
            return "not a directory";
        } else if (e instanceof FileSystemException) {
            return "file system error" + detail;
        } else if (e instanceof EOFException) {
            return "the data ends too early (truncated)";
        } else if (e instanceof ZipException) {
            return "invalid zip data" + detail;
        } else if (e instanceof java.nio.charset.CharacterCodingException) {
            return "a name is not valid text";
        }
        return "input/output error" + detail;
    }

    /** Names from the archive, quoted in a message: escaped and bounded. */
    static String shown(String name) {
        return EscapedText.bounded(name, SHOWN_NAME);
    }
}
