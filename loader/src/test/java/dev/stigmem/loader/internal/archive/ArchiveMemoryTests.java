package dev.stigmem.loader.internal.archive;

import dev.stigmem.loader.ArchiveFormatException;
import dev.stigmem.loader.ArchiveLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.stigmem.loader.internal.archive.ArchiveReaderTests.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the archive reader holds in memory: the declared sizes are checked against the budget before
 * anything is inflated, no entry is inflated past its declared size, the archive's share is held
 * until the reader is closed and given back on failure; and its messages name problems in words,
 * with names from the archive escaped.
 */
class ArchiveMemoryTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;
    PrivateDirectory workspace;
    final MemoryBudget budget = new MemoryBudget(ArchiveLimits.DEFAULTS.maxConcurrentHeldBytes());

    @BeforeEach
    void workspace() throws IOException {
        workspace = PrivateDirectory.create(work, "test-");
    }

    @AfterEach
    void cleanup() {
        workspace.close();
        assertThat(budget.inUse()).as("budget given back").isZero();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private ArchiveReader reader(Path archive, ArchiveLimits limits) {
        return new ArchiveReader(limits, archive, workspace, budget);
    }

    /** Offset of the first central directory record. */
    private static int centralDirectory(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(zip.length - 22 + 16);
    }

    /** Many small entries that compress to almost nothing: within every size and ratio limit, 4 MiB when inflated. */
    private static byte[] manySmallZeroEntries(int count) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put(String.format("z/%04d.bin", i), new byte[64 * 1024]);
        }
        return zip(entries, false);
    }

    /** Every entry's deflated data made invalid from its first byte (block type 3): inflating any entry fails. */
    private static byte[] garbled(byte[] zip) {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int p = centralDirectory(zip);
        while (b.getInt(p) == 0x02014b50) {
            int local = b.getInt(p + 42);
            out[local + 30 + Short.toUnsignedInt(b.getShort(local + 26)) + Short.toUnsignedInt(b.getShort(local + 28))] = (byte) 0xff;
            p += 46 + Short.toUnsignedInt(b.getShort(p + 28)) + Short.toUnsignedInt(b.getShort(p + 30))
                    + Short.toUnsignedInt(b.getShort(p + 32));
        }
        return out;
    }

    @Test
    void declaredSizesOverTheBudgetAreRefusedBeforeAnythingIsInflated() throws IOException {
        Path jar = file("many.jar", garbled(manySmallZeroEntries(64)));
        long need = 64L * (64 * 1024 + ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2 * "z/0000.bin".length());
        // Within the budget, inflating fails at the first entry: the data is broken.
        assertThatThrownBy(() -> reader(jar, ArchiveLimits.DEFAULTS.withMaxHeldBytes(need)).read())
                .hasMessageContaining("entry 'many.jar!/z/0000.bin': cannot be inflated");
        // Over it, the refusal comes first: nothing was inflated.
        assertThatThrownBy(() -> reader(jar, ArchiveLimits.DEFAULTS.withMaxHeldBytes(1 << 20)).read())
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + jar + "': its 64 entries declare 4194304 bytes uncompressed; held in memory "
                        + "with their bookkeeping that is " + need + " bytes, more than the memory budget of 1048576 bytes per "
                        + "archive (maxHeldBytes); nothing was inflated");
    }

    @Test
    void anArchiveWithinTheBudgetHoldsItsDeclaredSizesUntilClosed() throws IOException {
        Path jar = file("many.jar", manySmallZeroEntries(64));
        long need = 64L * (64 * 1024 + ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2 * "z/0000.bin".length());
        try (ArchiveReader r = reader(jar, ArchiveLimits.DEFAULTS.withMaxHeldBytes(need))) {
            assertThat(r.read()).singleElement().satisfies(j -> assertThat(j.entries()).hasSize(64));
            assertThat(r.heldBytes()).isEqualTo(need);
            assertThat(budget.inUse()).isEqualTo(need);
        }
    }

    @Test
    void anEntryInflatingToMoreThanItDeclaresIsRefusedAtItsDeclaredSize() throws IOException {
        byte[] zip = zip(Map.of("big.txt", new byte[1 << 20]), false);
        // The central directory says 1000 bytes; the data inflates to 1 MiB. (The local header of a
        // streamed entry carries no sizes; its data descriptor is not what ZipFile reads.)
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(centralDirectory(zip) + 24, 1000);
        Path jar = file("liar.jar", zip);
        // The budget holds the declared 1000 bytes, not the 1 MiB the entry holds.
        ArchiveLimits limits = ArchiveLimits.DEFAULTS.withMaxHeldBytes(4096);
        assertThatThrownBy(() -> reader(jar, limits).read()).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + jar + "', entry 'liar.jar!/big.txt': holds more bytes than its zip declares "
                        + "(1000): its content does not match the size or CRC the zip declares");
    }

    @Test
    void theArchivesShareIsItsEntriesAndBookkeepingHeldUntilClose() throws IOException {
        Path jar = file("two.jar", zip("a.txt", "hello", "p/B.class", "0123456789"));
        ArchiveReader r = reader(jar, ArchiveLimits.DEFAULTS);
        r.read();
        long need = (ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2 * 5 + 5)
                + (ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2 * 9 + 10 + ArchiveLimits.CLASS_OVERHEAD_BYTES);
        assertThat(r.heldBytes()).isEqualTo(need);
        assertThat(budget.inUse()).isEqualTo(need);
        r.close();
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void theJarsOfAZipAreExtractedToThePrivateDirectoryNotHeld() throws IOException {
        Map<String, byte[]> bundle = new LinkedHashMap<>();
        bundle.put("plugin.jar", zip("p.txt", "p"));
        bundle.put("lib.jar", zip("l.txt", "l"));
        try (ArchiveReader r = reader(file("bundle.zip", zip(bundle, false)), ArchiveLimits.DEFAULTS)) {
            assertThat(r.read()).extracting(JarImage::name).containsExactly("lib.jar", "plugin.jar");
            // Only the entries of the two jars: the jars' own bytes went to disk.
            assertThat(r.heldBytes()).isEqualTo(2 * (ArchiveLimits.ENTRY_OVERHEAD_BYTES + 2 * 5 + 1));
        }
        assertThat(workspace.path()).isEmptyDirectory();
    }

    @Test
    void aFailureWhileInflatingGivesTheShareBackAndIsNamedInWords() throws IOException {
        String text = "some text that deflates into a stream we can break ".repeat(40);
        byte[] zip = zip(Map.of("a.txt", text.getBytes(StandardCharsets.UTF_8)), false);
        // Break the deflate stream right after the local header and name: an invalid block type.
        zip[30 + "a.txt".length()] = (byte) 0xff;
        Path jar = file("broken.jar", zip);
        assertThatThrownBy(() -> reader(jar, ArchiveLimits.DEFAULTS).read()).isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("plugin archive '" + jar + "', entry 'broken.jar!/a.txt': cannot be inflated: invalid zip data (")
                .message().doesNotContain("Exception");
    }

    @Test
    void anUnreadableArchiveIsNamedInWords() {
        Path missing = tmp.resolve("missing.jar");
        assertThatThrownBy(() -> reader(missing, ArchiveLimits.DEFAULTS).read()).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + missing + "': cannot be read: no such file or directory");
    }

    @Test
    void namesQuotedByTheStructureCheckAreEscaped() throws IOException {
        String forged = "x\n\u001b[31mREJECT forged\u202e";
        byte[] zip = zip(forged, "data");
        // Compression method 12 (bzip2) in the central record: refused, quoting the name.
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putShort(centralDirectory(zip) + 10, (short) 12);
        Path jar = file("forged.jar", zip);
        assertThatThrownBy(() -> reader(jar, ArchiveLimits.DEFAULTS).read()).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + jar + "', entry 'forged.jar': is not a safe zip: entry "
                        + "'x\\u000a\\u001b[31mREJECT forged\\u202e' uses compression method 12; only stored (0) and deflated (8) are accepted");
    }

    @Test
    void aFileNameWithControlCharactersIsEscapedInEveryMessage() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("plugin\nERROR forged"));
        Files.write(dir.resolve("bad\u001b.jar"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> reader(dir, ArchiveLimits.DEFAULTS).read()).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("plugin archive '" + tmp + "/plugin\\u000aERROR forged', entry 'bad\\u001b.jar': jar name "
                        + "'bad\\u001b.jar' must match [A-Za-z0-9][A-Za-z0-9._-]{0,126}\\.jar");
    }

    @Test
    void everyFileOfTheReaderIsRemovedWhenReadingEnds() throws IOException {
        Path jar = file("ok.jar", zip("a.txt", "x"));
        try (ArchiveReader r = reader(jar, ArchiveLimits.DEFAULTS)) {
            r.read();
        }
        Path bad = file("bad.jar", new byte[] {'P', 'K', 5, 6});
        assertThatThrownBy(() -> reader(bad, ArchiveLimits.DEFAULTS).read()).isInstanceOf(ArchiveFormatException.class);
        assertThat(workspace.path()).isEmptyDirectory();
    }
}
