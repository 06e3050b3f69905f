package dev.stigmem.loader.internal.archive;

import dev.stigmem.loader.ArchiveFormatException;
import dev.stigmem.loader.ArchiveLimits;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
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
 * parsed from there, with {@link ZipFile} (the central directory, as the JDK's module-path loader
 * reads a jar) after {@link ZipStructure} made sure that every other zip reader sees the same.
 * Every entry's CRC and size are checked against what was read.
 *
 * <p>Not thread-safe; one reader reads one archive.
 */
public final class ArchiveReader {
    /** A jar's file name becomes its automatic module name, so keep it to plain characters. */
    private static final Pattern JAR_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,126}\\.jar");

    private final ArchiveLimits limits;
    private final Path archive;
    private final PrivateDirectory workspace;
    private long totalBytes;
    private int copies;

    public ArchiveReader(ArchiveLimits limits, Path archive, PrivateDirectory workspace) {
        this.limits = limits;
        this.archive = archive;
        this.workspace = workspace;
    }

    /**
     * Reads every jar of the archive.
     *
     * @return the jars, sorted by name (at least one)
     * @throws ArchiveFormatException when the archive is unreadable, unsafe or ambiguous
     */
    public List<JarImage> read() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(archive, BasicFileAttributes.class);
        } catch (IOException e) {
            throw fail(Optional.empty(), "cannot be read: " + describe(e), e);
        }
        List<JarImage> jars;
        String fileName = String.valueOf(archive.getFileName());
        if (attrs.isDirectory()) {
            jars = readDirectory();
        } else if (!attrs.isRegularFile()) {
            throw fail(Optional.empty(), "is neither a regular file nor a directory", null);
        } else if (fileName.endsWith(".jar")) {
            byte[] bytes = readFile(archive, Optional.empty(), limits.maxArchiveBytes());
            jars = List.of(readJar(jarName(fileName, Optional.empty()), bytes));
        } else if (fileName.endsWith(".zip")) {
            jars = readBundle(readFile(archive, Optional.empty(), limits.maxArchiveBytes()));
        } else {
            throw fail(Optional.empty(), "is not a plugin archive: expected a .jar, a .zip or a directory of jars", null);
        }
        if (jars.isEmpty()) {
            throw fail(Optional.empty(), "is empty: it holds no jar", null);
        }
        return jars.stream().sorted(java.util.Comparator.comparing(JarImage::name)).toList();
    }

    private List<JarImage> readDirectory() {
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
        long budget = limits.maxArchiveBytes();
        List<JarImage> jars = new ArrayList<>();
        for (Path p : files) {
            String name = String.valueOf(p.getFileName());
            Optional<String> entry = Optional.of(name);
            // A link could point anywhere, including at a file that changes between checks.
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw fail(entry, "is not a regular file (directories and links are not accepted in a plugin directory)", null);
            }
            byte[] bytes = readFile(p, entry, budget);
            budget -= bytes.length;
            jars.add(readJar(jarName(name, entry), bytes));
        }
        return jars;
    }

    /** A zip of jars: only {@code *.jar} entries at the top level. */
    private List<JarImage> readBundle(byte[] zip) {
        Map<String, byte[]> entries = readZip(zip, "bundle.zip", Optional.empty(), limits.maxJars());
        List<JarImage> jars = new ArrayList<>();
        for (var e : entries.entrySet()) {
            Optional<String> entry = Optional.of(e.getKey());
            if (e.getKey().indexOf('/') >= 0) {
                throw fail(entry, "a plugin zip holds jars at its top level only", null);
            }
            jars.add(readJar(jarName(e.getKey(), entry), e.getValue()));
        }
        return jars;
    }

    private JarImage readJar(String name, byte[] bytes) {
        return new JarImage(name, readZip(bytes, name, Optional.of(name), limits.maxEntriesPerJar()));
    }

    /**
     * Verifies the zip structure, writes the bytes to the private directory and reads them back with
     * {@link ZipFile}, checking every entry. Directory entries are dropped.
     */
    private Map<String, byte[]> readZip(byte[] zip, String name, Optional<String> where, int maxEntries) {
        List<ZipStructure.CentralEntry> central;
        try {
            central = ZipStructure.verify(zip);
        } catch (ZipStructure.ZipStructureException e) {
            throw fail(where, "is not a safe zip: " + e.getMessage(), null);
        }
        if (central.size() > maxEntries) {
            throw fail(where, String.format(Locale.ROOT, "holds %d entries, more than the limit of %d",
                    central.size(), maxEntries), null);
        }
        Path copy = workspace.path().resolve("read-" + (copies++) + ".zip");
        try {
            Files.write(copy, zip, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw fail(where, "cannot be copied into the loader's private directory: " + describe(e), e);
        }
        Map<String, byte[]> entries = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        Map<String, ZipStructure.CentralEntry> byName = new HashMap<>();
        for (var c : central) {
            if (byName.put(c.name(), c) != null) {
                throw fail(where, "holds the entry '" + c.name() + "' twice", null);
            }
        }
        try (ZipFile zf = new ZipFile(copy.toFile())) {
            int count = 0;
            Enumeration<? extends ZipEntry> en = zf.entries();
            while (en.hasMoreElements()) {
                ZipEntry ze = en.nextElement();
                count++;
                String entryName = ze.getName();
                String at = where.map(w -> w + "!/").orElse("") + entryName;
                checkName(entryName, at);
                if (!seen.add(entryName) || !byName.containsKey(entryName)) {
                    throw fail(Optional.of(at), "is listed twice or differently by the zip reader", null);
                }
                if (ze.isDirectory()) {
                    continue;
                }
                byte[] data = readEntry(zf, ze, at);
                entries.put(entryName, data);
            }
            if (count != central.size()) {
                throw fail(where, String.format(Locale.ROOT,
                        "the zip reader lists %d entries, the central directory %d", count, central.size()), null);
            }
        } catch (ZipException e) {
            throw fail(where, "is not a valid zip: " + describe(e), e);
        } catch (IOException e) {
            throw fail(where, "cannot be read: " + describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException ignored) {
                // The whole private directory is deleted when the load ends.
            }
        }
        return entries;
    }

    private byte[] readEntry(ZipFile zf, ZipEntry ze, String at) throws IOException {
        long max = Math.min(limits.maxEntryBytes(), limits.maxTotalBytes() - totalBytes);
        byte[] data;
        try (InputStream in = zf.getInputStream(ze)) {
            // Never trust the declared size: read at most one byte past the bound.
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
        }
        if (data.length > limits.maxEntryBytes()) {
            throw fail(Optional.of(at), String.format(Locale.ROOT,
                    "is larger than the limit of %d bytes uncompressed", limits.maxEntryBytes()), null);
        }
        if (data.length > max) {
            throw fail(Optional.of(at), String.format(Locale.ROOT,
                    "takes the archive past the limit of %d bytes uncompressed in all", limits.maxTotalBytes()), null);
        }
        totalBytes += data.length;
        long compressed = ze.getCompressedSize();
        if (data.length > ArchiveLimits.RATIO_FLOOR_BYTES && compressed > 0
                && data.length / compressed > limits.maxCompressionRatio()) {
            throw fail(Optional.of(at), String.format(Locale.ROOT,
                    "compresses %d bytes into %d, past the ratio limit of %d (a zip bomb?)",
                    data.length, compressed, limits.maxCompressionRatio()), null);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (data.length != ze.getSize() || crc.getValue() != ze.getCrc()) {
            throw fail(Optional.of(at), "its content does not match the size or CRC the zip declares", null);
        }
        return data;
    }

    private void checkName(String name, String at) {
        Optional<String> where = Optional.of(at);
        if (name.length() > limits.maxNameLength()) {
            throw fail(Optional.of(at.substring(0, Math.min(at.length(), 80)) + "..."), String.format(Locale.ROOT,
                    "entry name is %d characters long, more than the limit of %d", name.length(), limits.maxNameLength()), null);
        }
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0) {
            throw fail(where, "entry name is absolute, empty or uses '\\' or ':'", null);
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                throw fail(where, "entry name holds a control character", null);
            }
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        String[] segments = path.split("/", -1);
        if (segments.length > limits.maxNameDepth()) {
            throw fail(where, String.format(Locale.ROOT, "entry name is nested %d deep, more than the limit of %d",
                    segments.length, limits.maxNameDepth()), null);
        }
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw fail(where, "entry name has an empty, '.' or '..' segment (path traversal)", null);
            }
        }
    }

    private byte[] readFile(Path file, Optional<String> where, long max) {
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ);
             InputStream in = java.nio.channels.Channels.newInputStream(ch)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
            if (bytes.length > max) {
                throw fail(where, String.format(Locale.ROOT, "is larger than the limit of %d bytes",
                        limits.maxArchiveBytes()), null);
            }
            return bytes;
        } catch (IOException e) {
            throw fail(where, "cannot be read: " + describe(e), e);
        }
    }

    private String jarName(String name, Optional<String> where) {
        if (!JAR_NAME.matcher(name).matches()) {
            throw fail(where, "jar name '" + printable(name) + "' must match " + JAR_NAME.pattern(), null);
        }
        return name;
    }

    private ArchiveFormatException fail(Optional<String> entry, String reason, Throwable cause) {
        return new ArchiveFormatException(archive, entry.map(ArchiveReader::printable), reason, cause);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    /** Entry names come from the archive: escape control characters and cap the length for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return s.length() > 200 ? b + "..." : b.toString();
    }
}
