package dev.stigmem.loader.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EntryInflater} against {@link ZipFile}'s own entry streams, which read the entries before it: on
 * zips whose declared sizes lie (shorter, longer, none), whose compressed bytes are cut short or corrupted,
 * and with entries stored, deflated, empty and incompressible, each entry reads to the same bytes, the same
 * "holds more" verdict, or the same failure (a truncated stream, the same zlib message).
 */
class EntryInflaterTests {
    @TempDir
    Path tmp;

    /** What reading one entry gave: its bytes (their length and CRC) and whether there were more, or the failure. */
    private record Outcome(String bytes, boolean more, String failure) {
        static Outcome of(byte[] data, int n, boolean more) {
            CRC32 crc = new CRC32();
            crc.update(data, 0, n);
            return new Outcome(n + " bytes, CRC " + Long.toHexString(crc.getValue()), more, "");
        }

        static Outcome failed(IOException e) {
            return new Outcome("", false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Test
    void everyEntryReadsAsThroughZipFilesStreamsWhateverItsSizesAndBytesSay() throws IOException {
        Random random = new Random(42);
        byte[] text = new byte[5_000];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ("abcdefghij klmnop\n".charAt(random.nextInt(18)));
        }
        byte[] noise = new byte[3_000];
        random.nextBytes(noise);
        java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("text.txt", text);
        entries.put("noise.bin", noise);
        entries.put("zeros.bin", new byte[70_000]);
        entries.put("empty.txt", new byte[0]);
        entries.put("stored.txt", Arrays.copyOf(text, 900));
        entries.put("last.txt", Arrays.copyOf(text, 1_200));
        byte[] zip = zip(entries);
        int compared = 0;
        int failures = 0;
        int more = 0;
        for (int e = 0; e < 6; e++) {
            for (int sizeDelta : new int[] {-70_000, -1_000, -1, 0, 1, 2, 5_000}) {
                for (int cut : new int[] {0, 1, 2, 7, 100}) {
                    Outcome[] both = compare(patched(zip, e, sizeDelta, cut, -1), e);
                    if (both != null) {
                        assertThat(both[1]).as("entry %d, size %+d, cut %d", e, sizeDelta, cut).isEqualTo(both[0]);
                        compared++;
                        failures += both[0].failure().isEmpty() ? 0 : 1;
                        more += both[0].more() ? 1 : 0;
                    }
                }
            }
            for (int flip = 0; flip < 60; flip++) {
                Outcome[] both = compare(patched(zip, e, 0, 0, flip), e);
                if (both != null) {
                    assertThat(both[1]).as("entry %d, byte %d flipped", e, flip).isEqualTo(both[0]);
                    compared++;
                    failures += both[0].failure().isEmpty() ? 0 : 1;
                }
            }
        }
        // Not vacuous: most variants pass the structure check, and the outcomes differ among them.
        assertThat(compared).isGreaterThan(300);
        assertThat(failures).isGreaterThan(30);
        assertThat(more).isGreaterThan(10);
    }

    @Test
    void theWindowReadsAheadAtMostTwiceTheFileThenOnlyWhatAnEntryNeeds() throws IOException {
        // A directory in reverse order of the data: each entry far from the last one read.
        java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            byte[] b = new byte[200];
            random.nextBytes(b);
            entries.put(String.format("e%03d", i), b);
        }
        Path file = tmp.resolve("reversed.zip");
        Files.write(file, zip(entries));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             EntryInflater inflater = new EntryInflater(ch);
             ZipFile zf = new ZipFile(file.toFile())) {
            List<ZipStructure.CentralEntry> central = new ArrayList<>(ZipStructure.verify(ch, ZipStructure.endRecord(ch)));
            java.util.Collections.reverse(central);
            for (ZipStructure.CentralEntry c : central) {
                byte[] data = new byte[(int) c.size()];
                assertThat(inflater.read(c, data)).isEqualTo(new EntryInflater.Read(data.length, false));
                try (InputStream in = zf.getInputStream(zf.getEntry(c.name()))) {
                    assertThat(data).isEqualTo(in.readAllBytes());
                }
            }
        }
    }

    /** A zip of the entries in their order, those whose names start with "stored" stored, the others deflated. */
    private static byte[] zip(java.util.LinkedHashMap<String, byte[]> entries) throws IOException {
        return ArchiveReaderTests.zip(entries, name -> name.startsWith("stored"));
    }

    /**
     * The zip with entry {@code index}'s declared uncompressed size changed by {@code sizeDelta} (in the
     * central directory, and in the local header where it has sizes), its declared compressed size
     * reduced by {@code cut}, and the byte {@code flip} of its data inverted (-1: none).
     */
    private static byte[] patched(byte[] zip, int index, int sizeDelta, int cut, int flip) {
        byte[] b = zip.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = b.length - 22;
        int cen = bb.getInt(eocd + 16);
        for (int i = 0; i < index; i++) {
            cen += 46 + (bb.getShort(cen + 28) & 0xFFFF) + (bb.getShort(cen + 30) & 0xFFFF) + (bb.getShort(cen + 32) & 0xFFFF);
        }
        int loc = bb.getInt(cen + 42);
        long csize = bb.getInt(cen + 20) & 0xFFFFFFFFL;
        long size = bb.getInt(cen + 24) & 0xFFFFFFFFL;
        long newSize = Math.max(0, size + sizeDelta);
        long newCsize = Math.max(0, csize - cut);
        bb.putInt(cen + 24, (int) newSize);
        bb.putInt(cen + 20, (int) newCsize);
        if ((bb.getShort(loc + 6) & 8) == 0) {
            bb.putInt(loc + 22, (int) newSize);
            bb.putInt(loc + 18, (int) newCsize);
        }
        int data = loc + 30 + (bb.getShort(loc + 26) & 0xFFFF) + (bb.getShort(loc + 28) & 0xFFFF);
        if (flip >= 0 && flip < newCsize) {
            b[data + flip] = (byte) ~b[data + flip];
        }
        return b;
    }

    /** Entry {@code index} read through ZipFile (as ArchiveReader did) and through EntryInflater; null if the structure check refuses the zip. */
    private Outcome[] compare(byte[] zip, int index) throws IOException {
        Path file = Files.createTempFile(tmp, "variant", ".zip");
        Files.write(file, zip);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            List<ZipStructure.CentralEntry> central;
            try {
                central = ZipStructure.verify(ch, ZipStructure.endRecord(ch));
            } catch (ZipStructure.ZipStructureException e) {
                return null;
            }
            ZipStructure.CentralEntry c = central.get(index);
            Outcome viaZipFile;
            try (ZipFile zf = new ZipFile(file.toFile())) {
                ZipEntry ze = zf.getEntry(c.name());
                byte[] data = new byte[(int) c.size()];
                try (InputStream in = zf.getInputStream(ze)) {
                    int n = in.readNBytes(data, 0, data.length);
                    viaZipFile = Outcome.of(data, n, n == data.length && in.read() >= 0);
                } catch (IOException e) {
                    viaZipFile = Outcome.failed(e);
                }
            } catch (IOException e) {
                return null; // ZipFile refuses the listing: ArchiveReader refuses before reading any entry
            }
            Outcome viaInflater;
            try (EntryInflater inflater = new EntryInflater(ch)) {
                byte[] data = new byte[(int) c.size()];
                try {
                    EntryInflater.Read read = inflater.read(c, data);
                    viaInflater = Outcome.of(data, read.length(), read.more());
                } catch (IOException e) {
                    viaInflater = Outcome.failed(e);
                }
            }
            return new Outcome[] {viaZipFile, viaInflater};
        } finally {
            Files.delete(file);
        }
    }
}
