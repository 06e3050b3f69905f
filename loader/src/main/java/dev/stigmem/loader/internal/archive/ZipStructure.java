package dev.stigmem.loader.internal.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Checks the raw structure of a zip file so that every zip reader sees the same entries.
 *
 * <p>The JDK's module-path loader reads jars through {@code java.util.zip.ZipFile}, which trusts
 * the central directory; streaming readers ({@code ZipInputStream}, some scanners) trust the local
 * headers. A polyglot or crafted file can show each reader something else. This check refuses
 * anything where the two could disagree: data before the first entry or after the end record,
 * a gap between central directory and end record, a local header whose name, method or sizes
 * differ from its central record, overlapping entries (the "overlapping files" zip bomb),
 * encrypted entries, names that are not valid UTF-8, and ZIP64 (plugin jars never need it and it
 * adds a second set of size fields to disagree about).
 */
final class ZipStructure {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int LOC_SIG = 0x04034b50;
    private static final int EOCD_LEN = 22;
    private static final int CEN_LEN = 46;
    private static final int LOC_LEN = 30;

    /** One central directory record, as the structure check saw it. */
    record CentralEntry(String name, int method, long compressedSize, long size, long crc, int localOffset) {
    }

    private ZipStructure() {
    }

    /**
     * Parses and cross-checks the whole file.
     *
     * @return the central directory records, in file order
     * @throws ZipStructureException naming the entry and the inconsistency
     */
    static List<CentralEntry> verify(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = findEndRecord(b);
        int disk = u16(b, eocd + 4);
        int cdDisk = u16(b, eocd + 6);
        int entriesHere = u16(b, eocd + 8);
        int entriesTotal = u16(b, eocd + 10);
        long cdSize = u32(b, eocd + 12);
        long cdOffset = u32(b, eocd + 16);
        if (entriesTotal == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw new ZipStructureException("ZIP64 archives are not accepted");
        }
        if (disk != 0 || cdDisk != 0 || entriesHere != entriesTotal) {
            throw new ZipStructureException("multi-disk archives are not accepted");
        }
        if (cdOffset + cdSize != eocd) {
            throw new ZipStructureException(String.format(Locale.ROOT,
                    "central directory (offset %d, size %d) does not end at the end record (offset %d): "
                            + "data before the first entry or between directory and end record", cdOffset, cdSize, eocd));
        }
        List<CentralEntry> entries = new ArrayList<>(Math.min(entriesTotal, 1 << 16));
        int p = (int) cdOffset;
        for (int i = 0; i < entriesTotal; i++) {
            if (p + CEN_LEN > eocd || b.getInt(p) != CEN_SIG) {
                throw new ZipStructureException(String.format(Locale.ROOT,
                        "central directory record %d is missing or truncated", i));
            }
            int flags = u16(b, p + 8);
            int method = u16(b, p + 10);
            long crc = u32(b, p + 16);
            long csize = u32(b, p + 20);
            long size = u32(b, p + 24);
            int nameLen = u16(b, p + 28);
            int extraLen = u16(b, p + 30);
            int commentLen = u16(b, p + 32);
            long localOffset = u32(b, p + 42);
            int next = p + CEN_LEN + nameLen + extraLen + commentLen;
            if (next > eocd) {
                throw new ZipStructureException(String.format(Locale.ROOT,
                        "central directory record %d runs past the directory", i));
            }
            String name = utf8(zip, p + CEN_LEN, nameLen, i);
            if ((flags & 1) != 0) {
                throw new ZipStructureException("entry '" + name + "' is encrypted");
            }
            if (csize == 0xFFFFFFFFL || size == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL) {
                throw new ZipStructureException("entry '" + name + "' uses ZIP64 sizes, which are not accepted");
            }
            if (method != 0 && method != 8) {
                throw new ZipStructureException(String.format(Locale.ROOT,
                        "entry '%s' uses compression method %d; only stored (0) and deflated (8) are accepted", name, method));
            }
            checkLocalHeader(b, zip, name, p + CEN_LEN, nameLen, flags, method, crc, csize, size, localOffset, cdOffset);
            entries.add(new CentralEntry(name, method, csize, size, crc, (int) localOffset));
            p = next;
        }
        if (p != eocd) {
            throw new ZipStructureException("central directory holds more bytes than its records");
        }
        checkLayout(b, entries, cdOffset);
        return List.copyOf(entries);
    }

    private static void checkLocalHeader(ByteBuffer b, byte[] zip, String name, int cenNameAt, int nameLen, int flags,
                                         int method, long crc, long csize, long size, long localOffset, long cdOffset) {
        if (localOffset + LOC_LEN > cdOffset || b.getInt((int) localOffset) != LOC_SIG) {
            throw new ZipStructureException("entry '" + name + "' has no local header where its central record points");
        }
        int lo = (int) localOffset;
        int locFlags = u16(b, lo + 6);
        int locMethod = u16(b, lo + 8);
        int locNameLen = u16(b, lo + 26);
        if (locMethod != method || (locFlags & 8) != (flags & 8)) {
            throw new ZipStructureException("entry '" + name + "': local header and central directory disagree on the compression");
        }
        if (lo + LOC_LEN + (long) locNameLen > cdOffset) {
            throw new ZipStructureException("entry '" + name + "': local header runs into the central directory");
        }
        if (locNameLen != nameLen || !Arrays.equals(zip, lo + LOC_LEN, lo + LOC_LEN + nameLen, zip, cenNameAt, cenNameAt + nameLen)) {
            throw new ZipStructureException("entry '" + name + "': local header names another entry than the central directory");
        }
        if ((flags & 8) == 0 && (u32(b, lo + 14) != crc || u32(b, lo + 18) != csize || u32(b, lo + 22) != size)) {
            throw new ZipStructureException("entry '" + name + "': local header and central directory disagree on the sizes or CRC");
        }
    }

    /** Entries must follow one another from offset 0 without overlapping; the data must end before the directory. */
    private static void checkLayout(ByteBuffer b, List<CentralEntry> entries, long cdOffset) {
        List<CentralEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingInt(CentralEntry::localOffset));
        long end = 0;
        for (CentralEntry e : byOffset) {
            if (e.localOffset() < end) {
                throw new ZipStructureException("entry '" + e.name() + "' overlaps the entry before it");
            }
            if (end == 0 && e.localOffset() != 0) {
                throw new ZipStructureException("data before the first entry (a prefixed or polyglot file)");
            }
            int lo = e.localOffset();
            long dataStart = (long) lo + LOC_LEN + u16(b, lo + 26) + u16(b, lo + 28);
            end = dataStart + e.compressedSize();
            if (end > cdOffset) {
                throw new ZipStructureException("entry '" + e.name() + "' runs into the central directory");
            }
        }
    }

    private static int findEndRecord(ByteBuffer b) {
        int len = b.limit();
        if (len < EOCD_LEN) {
            throw new ZipStructureException(len == 0 ? "the file is empty" : "the file is too short to be a zip");
        }
        // The end record must end exactly at the end of the file: trailing data is refused.
        for (int p = len - EOCD_LEN; p >= Math.max(0, len - EOCD_LEN - 0xFFFF); p--) {
            if (b.getInt(p) == EOCD_SIG && p + EOCD_LEN + u16(b, p + 20) == len) {
                return p;
            }
        }
        throw new ZipStructureException("not a zip file: no end of central directory record at the end of the file");
    }

    private static String utf8(byte[] zip, int at, int len, int index) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(zip, at, len)).toString();
        } catch (CharacterCodingException e) {
            throw new ZipStructureException(String.format(Locale.ROOT,
                    "the name of entry %d is not valid UTF-8", index));
        }
    }

    private static int u16(ByteBuffer b, int at) {
        if (at < 0 || at + 2 > b.limit()) {
            throw new ZipStructureException("truncated zip structure");
        }
        return Short.toUnsignedInt(b.getShort(at));
    }

    private static long u32(ByteBuffer b, int at) {
        if (at < 0 || at + 4 > b.limit()) {
            throw new ZipStructureException("truncated zip structure");
        }
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** The structure is inconsistent; the message names the entry where there is one. */
    static final class ZipStructureException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ZipStructureException(String message) {
            super(message);
        }
    }
}
