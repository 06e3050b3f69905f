package dev.stigmem.loader.internal.layer;

import static dev.stigmem.loader.internal.archive.ZipFormat.CEN_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.CEN_SIG;
import static dev.stigmem.loader.internal.archive.ZipFormat.EOCD_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.EOCD_SIG;
import static dev.stigmem.loader.internal.archive.ZipFormat.LOC_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.LOC_SIG;

import dev.stigmem.loader.internal.archive.JarImage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a jar image as a zip of stored (uncompressed) entries, in the image's (sorted) order: a
 * local header and the bytes of each entry, then the central directory and its end record, with
 * UTF-8 names (flag bit 11), no extra fields, no comments and every time 1980-01-01 00:00 (the
 * first DOS time). The jar only lives as long as the layer, and stored entries are written and
 * read back at copy speed.
 *
 * <p>Not {@link ZipOutputStream}: it writes each header field by a call of its own and checks
 * each entry again as it goes, per-entry code that a short CLI run (which writes a jar of the
 * Guava size on every scan, for the JDK's module finder) runs in the interpreter two thousand
 * times. This is the plain zip format of the specification's simplest case, which
 * {@code java.util.zip.ZipFile} (the module finder's and the layer's reader) reads as any other.
 * A jar past the reach of these 32-bit fields (over 4 GiB in all, which only a loader given
 * memory limits of that size could hold) is written by {@link ZipOutputStream}, which switches to
 * ZIP64 there.
 */
final class StoredJar {
    /** Version needed to extract a stored entry (1.0), also written as "made by". */
    private static final int VERSION = 10;
    /** General purpose flag bit 11: the name is UTF-8. */
    private static final int UTF8_NAMES = 0x800;
    /** DOS date of 1980-01-01 (day 1, month 1, year 0 from 1980); the DOS time is 0 (00:00:00). */
    private static final int DOS_DATE = (1 << 5) | 1;
    private static final long MAX_32 = 0xFFFF_FFFFL;

    private StoredJar() {
    }

    /** Writes {@code jar} to a new file (refused if it exists). */
    static void write(JarImage jar, Path file) throws IOException {
        int count = jar.entries().size();
        byte[][] names = new byte[count][];
        long total = EOCD_LEN;
        int i = 0;
        for (var e : jar.entries().entrySet()) {
            names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (names[i].length > 0xFFFF) {
                // Cannot come from the reader (a name it read fitted a zip's 16-bit field, and is re-encoded
                // as the same UTF-8); refused rather than written with a truncated length.
                throw new IOException("an entry name of " + names[i].length + " bytes does not fit a zip");
            }
            total += LOC_LEN + CEN_LEN + 2L * names[i].length + e.getValue().length;
            i++;
        }
        if (count > 0xFFFF || total > MAX_32) {
            writeZip64(jar, file);
            return;
        }
        byte[] header = new byte[LOC_LEN];
        // The central directory, built while the entries are written and appended after them.
        int centralSize = 0;
        for (byte[] n : names) {
            centralSize += CEN_LEN + n.length;
        }
        byte[] central = new byte[centralSize];
        int c = 0;
        long offset = 0;
        CRC32 crc = new CRC32();
        i = 0;
        try (OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
            for (byte[] data : jar.entries().values()) {
                byte[] name = names[i++];
                crc.reset();
                crc.update(data, 0, data.length);
                int sum = (int) crc.getValue();
                putInt(header, 0, LOC_SIG);
                putShort(header, 4, VERSION);
                putShort(header, 6, UTF8_NAMES);
                putShort(header, 8, ZipEntry.STORED);
                putShort(header, 10, 0);
                putShort(header, 12, DOS_DATE);
                putInt(header, 14, sum);
                putInt(header, 18, data.length);
                putInt(header, 22, data.length);
                putShort(header, 26, name.length);
                putShort(header, 28, 0);
                out.write(header, 0, LOC_LEN);
                out.write(name, 0, name.length);
                out.write(data, 0, data.length);

                putInt(central, c, CEN_SIG);
                putShort(central, c + 4, VERSION);
                putShort(central, c + 6, VERSION);
                putShort(central, c + 8, UTF8_NAMES);
                putShort(central, c + 10, ZipEntry.STORED);
                putShort(central, c + 12, 0);
                putShort(central, c + 14, DOS_DATE);
                putInt(central, c + 16, sum);
                putInt(central, c + 20, data.length);
                putInt(central, c + 24, data.length);
                putShort(central, c + 28, name.length);
                // extra, comment, disk, internal and external attributes: 0 (the array is zeroed)
                putInt(central, c + 42, (int) offset);
                System.arraycopy(name, 0, central, c + CEN_LEN, name.length);
                c += CEN_LEN + name.length;
                offset += LOC_LEN + name.length + data.length;
            }
            out.write(central, 0, central.length);
            byte[] end = new byte[EOCD_LEN];
            putInt(end, 0, EOCD_SIG);
            // disks 0 and 0
            putShort(end, 8, count);
            putShort(end, 10, count);
            putInt(end, 12, central.length);
            putInt(end, 16, (int) offset);
            // comment length 0
            out.write(end, 0, EOCD_LEN);
        }
    }

    /** The same entries through {@link ZipOutputStream}, which writes ZIP64 records where the 32-bit fields end. */
    static void writeZip64(JarImage jar, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setMethod(ZipOutputStream.STORED);
            CRC32 crc = new CRC32();
            jar.forEachEntry((name, bytes) -> {
                ZipEntry e = new ZipEntry(name);
                crc.reset();
                crc.update(bytes);
                e.setSize(bytes.length);
                e.setCompressedSize(bytes.length);
                e.setCrc(crc.getValue());
                e.setTime(0);
                try {
                    zip.putNextEntry(e);
                    zip.write(bytes);
                    zip.closeEntry();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
