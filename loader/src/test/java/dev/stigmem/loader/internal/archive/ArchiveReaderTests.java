package dev.stigmem.loader.internal.archive;

import dev.stigmem.loader.ArchiveFormatException;
import dev.stigmem.loader.ArchiveLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rejection rule of the archive reader, each with an input that trips it and one that passes. */
class ArchiveReaderTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;
    PrivateDirectory workspace;

    @BeforeEach
    void workspace() throws IOException {
        workspace = PrivateDirectory.create(work, "test-");
    }

    @AfterEach
    void cleanup() {
        workspace.close();
        assertThat(work).isEmptyDirectory();
    }

    List<JarImage> read(Path archive) {
        return read(archive, ArchiveLimits.DEFAULTS);
    }

    List<JarImage> read(Path archive, ArchiveLimits limits) {
        return new ArchiveReader(limits, archive, workspace).read();
    }

    static byte[] zip(Map<String, byte[]> entries, boolean stored) throws IOException {
        return zip(entries, name -> stored);
    }

    /** A zip of the entries, in their order, each stored or deflated as {@code stored} says of its name. */
    static byte[] zip(Map<String, byte[]> entries, java.util.function.Predicate<String> stored) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (stored.test(e.getKey())) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] zip(String... namesAndTexts) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTexts.length; i += 2) {
            m.put(namesAndTexts[i], namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return zip(m, false);
    }

    Path file(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    static byte[] replaceAll(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        byte[] copy = data.clone();
        for (int i = 0; i + f.length <= copy.length; i++) {
            if (java.util.Arrays.equals(copy, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, copy, i, t.length);
            }
        }
        return copy;
    }

    static byte[] replaceFirst(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] copy = data.clone();
        for (int i = 0; i + f.length <= copy.length; i++) {
            if (java.util.Arrays.equals(copy, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(to.getBytes(StandardCharsets.UTF_8), 0, copy, i, f.length);
                return copy;
            }
        }
        throw new IllegalArgumentException(from);
    }

    @Test
    void wellFormedJarIsReadWithItsFileEntriesOnly() throws IOException {
        Path jar = file("ok.jar", zip("a/", "", "a/b.txt", "hello", "c.txt", "world"));
        List<JarImage> jars = read(jar);
        assertThat(jars).singleElement().satisfies(j -> {
            assertThat(j.name()).isEqualTo("ok.jar");
            assertThat(j.entries().keySet()).containsExactly("a/b.txt", "c.txt");
            assertThat(j.entry("a/b.txt")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("hello"));
        });
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path jar = file("empty.jar", new byte[0]);
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + jar + "', entry 'empty.jar': is not a safe zip: the file is empty");
    }

    @Test
    void garbageIsRefused() throws IOException {
        Path jar = file("garbage.jar", "this is not a zip file at all, just text".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("no end of central directory record");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.txt", "a/../../evil.txt", "/etc/passwd", "a//b.txt", "a\\b.txt", "C:evil.txt", "./a.txt", "a/\u0001.txt",
            "a/./b.txt", "a/..", "a/../", "a//", "a/b/.", ".."})
    void unsafeEntryNamesAreRefused(String name) throws IOException {
        Path jar = file("unsafe.jar", zip("ok.txt", "fine", name, "bad"));
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("entry name");
    }

    @Test
    void dotsInsideSegmentsAndUtf8NamesPass() throws IOException {
        // Segments that only start with or hold dots are names, not traversal; a real U+FFFD is a valid name.
        String[] names = {".../x.txt", ".a/..b/x..txt", "a./b", "données/é.txt", "a/\uFFFD.txt", "\uD83D\uDE00/x"};
        String[] pairs = new String[names.length * 2];
        for (int i = 0; i < names.length; i++) {
            pairs[2 * i] = names[i];
            pairs[2 * i + 1] = "ok";
        }
        assertThat(read(file("dots.jar", zip(pairs)))).singleElement()
                .satisfies(j -> assertThat(j.entries().keySet()).containsExactlyInAnyOrder(names));
    }

    @Test
    void malformedUtf8NamesAreRefused() throws IOException {
        // C3 starts a two-byte sequence; '(' (0x28) is no continuation byte.
        byte[] malformed = zip("ok.txt", "fine", "cafe(.txt", "bad");
        for (int i = 0; i + 1 < malformed.length; i++) {
            if (malformed[i] == 'e' && malformed[i + 1] == '(') {
                malformed[i] = (byte) 0xC3;
            }
        }
        Path jar = file("malformed.jar", malformed);
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class).hasMessageContaining("is not valid UTF-8");
    }

    @Test
    void deepButBoundedNamesPass() throws IOException {
        String deep = "a/".repeat(31) + "x.txt";
        assertThat(read(file("deep.jar", zip(deep, "ok")))).hasSize(1);
        Path tooDeep = file("toodeep.jar", zip("a/".repeat(32) + "x.txt", "no"));
        assertThatThrownBy(() -> read(tooDeep)).hasMessageContaining("nested 33 deep, more than the limit of 32");
    }

    @Test
    void overlongNameIsRefused() throws IOException {
        Path jar = file("long.jar", zip("n".repeat(600), "x"));
        assertThatThrownBy(() -> read(jar)).hasMessageContaining("600 characters long, more than the limit of 512");
    }

    @Test
    void duplicateEntryNamesAreRefused() throws IOException {
        Path jar = file("dup.jar", replaceAll(zip("a.txt", "one", "b.txt", "two"), "b.txt", "a.txt"));
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("holds the entry 'a.txt' twice");
    }

    @Test
    void localHeaderNamingAnotherEntryThanTheCentralDirectoryIsRefused() throws IOException {
        // Only the first occurrence (the local header) is renamed; the central directory keeps a.txt.
        Path jar = file("mismatch.jar", replaceFirst(zip("a.txt", "one"), "a.txt", "z.txt"));
        assertThatThrownBy(() -> read(jar)).hasMessageContaining("local header names another entry than the central directory");
    }

    /** Stored entries e0.txt ... e(n-1).txt of 1 KiB each, distinct contents: a jar larger than the 64 KiB header window. */
    static Map<String, byte[]> kilobyteEntries(int n) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[1024];
            java.util.Arrays.fill(b, (byte) ('a' + i % 26));
            b[0] = (byte) i;
            m.put("e" + i + ".txt", b);
        }
        return m;
    }

    /** The same zip with its central directory records in reverse order (the data stays where it is). */
    static byte[] centralDirectoryReversed(byte[] z) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int eocd = z.length - 22;
        int count = Short.toUnsignedInt(b.getShort(eocd + 10));
        int cd = b.getInt(eocd + 16);
        List<byte[]> records = new java.util.ArrayList<>();
        for (int i = 0, p = cd; i < count; i++) {
            int len = 46 + Short.toUnsignedInt(b.getShort(p + 28)) + Short.toUnsignedInt(b.getShort(p + 30))
                    + Short.toUnsignedInt(b.getShort(p + 32));
            records.add(java.util.Arrays.copyOfRange(z, p, p + len));
            p += len;
        }
        byte[] out = z.clone();
        int p = cd;
        for (int i = records.size() - 1; i >= 0; i--) {
            System.arraycopy(records.get(i), 0, out, p, records.get(i).length);
            p += records.get(i).length;
        }
        return out;
    }

    @Test
    void aCentralDirectoryInAnotherOrderThanTheDataIsReadEntryForEntry() throws IOException {
        // The local headers are read through a 64 KiB window; here it must move back for every entry.
        Map<String, byte[]> entries = kilobyteEntries(300);
        Path jar = file("reversed.jar", centralDirectoryReversed(zip(entries, true)));
        JarImage image = read(jar).get(0);
        assertThat(image.entries().keySet()).containsExactlyInAnyOrderElementsOf(entries.keySet());
        entries.forEach((name, bytes) -> assertThat(image.entry(name)).hasValue(bytes));
    }

    @Test
    void aLocalHeaderNamingAnotherEntryFarIntoALargeJarIsRefused() throws IOException {
        // Past the first 64 KiB: the first occurrence of the name is its local header.
        byte[] z = replaceFirst(zip(kilobyteEntries(300), true), "e250.txt", "x250.txt");
        assertThatThrownBy(() -> read(file("far.jar", z))).hasMessageContaining("local header names another entry than the central directory");
        byte[] reversed = replaceFirst(centralDirectoryReversed(zip(kilobyteEntries(300), true)), "e20.txt", "x20.txt");
        assertThatThrownBy(() -> read(file("far-reversed.jar", reversed)))
                .hasMessageContaining("local header names another entry than the central directory");
    }

    @Test
    void prefixedDataIsRefused() throws IOException {
        byte[] z = zip("a.txt", "one");
        byte[] prefixed = new byte[z.length + 16];
        System.arraycopy(z, 0, prefixed, 16, z.length);
        Path jar = file("prefixed.jar", prefixed);
        assertThatThrownBy(() -> read(jar)).hasMessageContaining("is not a safe zip");
    }

    @Test
    void trailingDataIsRefused() throws IOException {
        byte[] z = zip("a.txt", "one");
        byte[] trailing = java.util.Arrays.copyOf(z, z.length + 5);
        Path jar = file("trailing.jar", trailing);
        assertThatThrownBy(() -> read(jar)).hasMessageContaining("no end of central directory record at the end of the file");
    }

    @Test
    void contentNotMatchingItsCrcIsRefused() throws IOException {
        byte[] z = zip(Map.of("a.txt", "hello world".getBytes(StandardCharsets.UTF_8)), true);
        Path jar = file("crc.jar", replaceFirst(z, "hello", "jello"));
        assertThatThrownBy(() -> read(jar)).hasMessageContaining("does not match the size or CRC");
    }

    @Test
    void zipBombIsRefusedByCompressionRatio() throws IOException {
        Path jar = file("bomb.jar", zip(Map.of("zeros.bin", new byte[4 << 20]), false));
        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("entry 'bomb.jar!/zeros.bin'")
                .hasMessageContaining("past the ratio limit of 100");
        assertThat(read(jar, ArchiveLimits.DEFAULTS.withMaxCompressionRatio(10_000))).hasSize(1);
    }

    @Test
    void entryOverTheSizeLimitIsRefused() throws IOException {
        Path jar = file("big.jar", zip("big.txt", "x".repeat(2000)));
        assertThatThrownBy(() -> read(jar, ArchiveLimits.DEFAULTS.withMaxEntryBytes(1000)))
                .hasMessageContaining("larger than the limit of 1000 bytes uncompressed");
        assertThat(read(jar, ArchiveLimits.DEFAULTS.withMaxEntryBytes(2000))).hasSize(1);
    }

    @Test
    void archiveOverTheTotalLimitIsRefused() throws IOException {
        Path jar = file("total.jar", zip("a.txt", "x".repeat(600), "b.txt", "y".repeat(600)));
        assertThatThrownBy(() -> read(jar, ArchiveLimits.DEFAULTS.withMaxTotalBytes(1000)))
                .hasMessageContaining("past the limit of 1000 bytes uncompressed in all");
        assertThat(read(jar, ArchiveLimits.DEFAULTS.withMaxTotalBytes(1200))).hasSize(1);
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Path jar = file("many.jar", zip("a", "1", "b", "2", "c", "3", "d", "4"));
        assertThatThrownBy(() -> read(jar, ArchiveLimits.DEFAULTS.withMaxEntriesPerJar(3)))
                .hasMessageContaining("holds 4 entries, more than the limit of 3");
        assertThat(read(jar, ArchiveLimits.DEFAULTS.withMaxEntriesPerJar(4))).hasSize(1);
    }

    @Test
    void fileOverTheArchiveLimitIsRefused() throws IOException {
        Path jar = file("huge.jar", zip("a.txt", "x".repeat(5000)));
        assertThatThrownBy(() -> read(jar, ArchiveLimits.DEFAULTS.withMaxArchiveBytes(100)))
                .hasMessageContaining("is larger than the limit of 100 bytes");
    }

    @Test
    void zipOfJarsIsReadAsPluginJarPlusLibraries() throws IOException {
        Map<String, byte[]> bundle = new LinkedHashMap<>();
        bundle.put("plugin.jar", zip("p.txt", "p"));
        bundle.put("lib.jar", zip("l.txt", "l"));
        List<JarImage> jars = read(file("bundle.zip", zip(bundle, false)));
        assertThat(jars).extracting(JarImage::name).containsExactly("lib.jar", "plugin.jar");
    }

    @Test
    void privateFileNamesTakenAlreadyAreSkippedNotReused() throws IOException {
        // The reader numbers its files in the private directory; a name that is there already (a
        // file another reader left, or anything else) is never opened or truncated.
        Path taken = Files.writeString(workspace.path().resolve("read-0.zip"), "not ours");
        Files.createDirectory(workspace.path().resolve("read-1.zip"));
        Map<String, byte[]> bundle = new LinkedHashMap<>();
        bundle.put("plugin.jar", zip("p.txt", "p"));
        bundle.put("lib.jar", zip("l.txt", "l"));
        List<JarImage> jars = read(file("bundle.zip", zip(bundle, false)));
        assertThat(jars).extracting(JarImage::name).containsExactly("lib.jar", "plugin.jar");
        assertThat(taken).hasContent("not ours");
        try (var left = Files.list(workspace.path())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("read-0.zip", "read-1.zip");
        }
        Files.delete(taken);
        Files.delete(workspace.path().resolve("read-1.zip"));
    }

    @Test
    void privateDirectoryIsOwnerOnlyAndNewEachTime() throws IOException {
        PrivateDirectory a = PrivateDirectory.create(work, "plugin-1-");
        PrivateDirectory b = PrivateDirectory.create(work, "plugin-1-");
        try {
            assertThat(a.path()).isNotEqualTo(b.path());
            assertThat(a.path().getFileName().toString()).matches("plugin-1-[0-9]{1,20}");
            if (work.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(a.path())))
                        .isEqualTo("rwx------");
            }
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void zipWithNestedFoldersOrOtherFilesIsRefused() throws IOException {
        Path nested = file("nested.zip", zip(Map.of("lib/x.jar", zip("a", "b")), false));
        assertThatThrownBy(() -> read(nested)).hasMessageContaining("holds jars at its top level only");
        Path readme = file("readme.zip", zip(Map.of("README", "hi".getBytes(StandardCharsets.UTF_8)), false));
        assertThatThrownBy(() -> read(readme)).hasMessageContaining("jar name 'README' must match");
    }

    @Test
    void corruptJarInsideAZipIsNamed() throws IOException {
        Path bundle = file("bad.zip", zip(Map.of("good.jar", zip("a", "b"), "broken.jar", "nope".getBytes(StandardCharsets.UTF_8)), false));
        assertThatThrownBy(() -> read(bundle)).hasMessageContaining("entry 'broken.jar': is not a safe zip");
    }

    @Test
    void directoryWithALinkOrASubdirectoryIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("plugin"));
        Files.write(dir.resolve("plugin.jar"), zip("a", "b"));
        assertThat(read(dir)).hasSize(1);
        Files.createSymbolicLink(dir.resolve("linked.jar"), dir.resolve("plugin.jar"));
        assertThatThrownBy(() -> read(dir)).hasMessageContaining("entry 'linked.jar': is not a regular file");
        Files.delete(dir.resolve("linked.jar"));
        Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> read(dir)).hasMessageContaining("entry 'sub': is not a regular file");
    }

    @Test
    void emptyDirectoryIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("nothing"));
        assertThatThrownBy(() -> read(dir)).hasMessageContaining("is empty: it holds no jar");
    }

    @Test
    void unknownArchiveTypeIsRefused() throws IOException {
        Path tar = file("plugin.tar", zip("a", "b"));
        assertThatThrownBy(() -> read(tar)).hasMessageContaining("expected a .jar, a .zip or a directory of jars");
    }

    @Test
    void entriesOverlappingAnotherEntrysDataAreRefused() throws IOException {
        // Stored a.txt whose declared data runs over b.txt's local header: the overlapping-files zip bomb shape.
        byte[] z = zip(Map.of("a.txt", "aaaa".getBytes(StandardCharsets.UTF_8)), true);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(z).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int eocd = z.length - 22;
        int cd = b.getInt(eocd + 16);
        // Point the central record at a second copy of the entry, placed inside the first one's data.
        byte[] local = java.util.Arrays.copyOfRange(z, 0, cd);
        byte[] rest = java.util.Arrays.copyOfRange(z, cd, z.length);
        byte[] crafted = new byte[local.length * 2 + rest.length + 46 + 5];
        System.arraycopy(local, 0, crafted, 0, local.length);
        System.arraycopy(local, 0, crafted, local.length, local.length);
        int cd2 = local.length * 2;
        System.arraycopy(rest, 0, crafted, cd2, rest.length - 22);
        int cenLen = rest.length - 22;
        // second central record: same as the first but pointing at offset local.length, named b.txt there
        System.arraycopy(rest, 0, crafted, cd2 + cenLen, cenLen);
        java.nio.ByteBuffer c = java.nio.ByteBuffer.wrap(crafted).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        c.putInt(cd2 + cenLen + 42, local.length);
        crafted[cd2 + cenLen + 46] = 'b';
        crafted[local.length + 30] = 'b';
        int eocd2 = cd2 + 2 * cenLen;
        System.arraycopy(rest, rest.length - 22, crafted, eocd2, 22);
        c.putShort(eocd2 + 8, (short) 2).putShort(eocd2 + 10, (short) 2).putInt(eocd2 + 12, 2 * cenLen).putInt(eocd2 + 16, cd2);
        byte[] wellFormed = java.util.Arrays.copyOf(crafted, eocd2 + 22);
        assertThat(read(file("twice.jar", wellFormed))).singleElement()
                .satisfies(j -> assertThat(j.entries().keySet()).containsExactly("a.txt", "b.txt"));
        // Now make a.txt claim more data, so that it covers b.txt's local header.
        byte[] overlapping = wellFormed.clone();
        java.nio.ByteBuffer o = java.nio.ByteBuffer.wrap(overlapping).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int grown = 10; // a.txt data starts at 35; 35 + 10 runs past b.txt's header at 39
        o.putInt(18, grown).putInt(22, grown).putInt(cd2 + 20, grown).putInt(cd2 + 24, grown);
        assertThatThrownBy(() -> read(file("overlap.jar", overlapping)))
                .hasMessageContaining("entry 'b.txt' overlaps the entry before it");
    }
}
