package dev.stigmem.loader.internal.archive;

import static dev.stigmem.loader.internal.archive.ZipFormat.CEN_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.CEN_SIG;
import static dev.stigmem.loader.internal.archive.ZipFormat.EOCD_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.EOCD_SIG;
import static dev.stigmem.loader.internal.archive.ZipFormat.LOC_LEN;
import static dev.stigmem.loader.internal.archive.ZipFormat.LOC_SIG;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.stigmem.loader.internal.trust.EscapedText;

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
 *
 * <p>It reads the file in place, through positional reads: the end record, then the central
 * directory (whose size the caller bounds and budgets between the two steps), then each local
 * header. The entries' data is never read here, so the memory it needs is the central directory's.
 */
final class ZipStructure {

    /**
     * One central directory record, as the structure check saw it.
     *
     * @param dataStart offset of the entry's data (after its local header, name and extra field)
     */
    record CentralEntry(String name, int method, long compressedSize, long size, long crc, int localOffset, long dataStart) {
        boolean directory() {
            return name.endsWith("/");
        }
    }

    /** The end of central directory record: how many entries, where the directory is and how large. */
    record EndRecord(long fileSize, int eocdOffset, int entries, long directorySize, long directoryOffset) {
    }

    private ZipStructure() {
    }

    /**
     * Finds and checks the end record. Reads at most the last 64 KiB of the file.
     *
     * @throws ZipStructureException when there is none at the very end, or it describes ZIP64,
     *                               several disks or data outside the directory
     */
    static EndRecord endRecord(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new ZipStructureException("the file is larger than 2 GiB");
        }
        if (size < EOCD_LEN) {
            throw new ZipStructureException(size == 0 ? "the file is empty" : "the file is too short to be a zip");
        }
        int tailStart = (int) Math.max(0, size - EOCD_LEN - 0xFFFF);
        ByteBuffer tail = read(ch, tailStart, (int) size - tailStart);
        int len = tail.limit();
        int p = len - EOCD_LEN;
        // The end record must end exactly at the end of the file: trailing data is refused.
        for (; p >= 0; p--) {
            if (tail.getInt(p) == EOCD_SIG && p + EOCD_LEN + u16(tail, p + 20) == len) {
                break;
            }
        }
        if (p < 0) {
            throw new ZipStructureException("not a zip file: no end of central directory record at the end of the file");
        }
        int disk = u16(tail, p + 4);
        int cdDisk = u16(tail, p + 6);
        int entriesHere = u16(tail, p + 8);
        int entriesTotal = u16(tail, p + 10);
        long cdSize = u32(tail, p + 12);
        long cdOffset = u32(tail, p + 16);
        if (entriesTotal == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw new ZipStructureException("ZIP64 archives are not accepted");
        }
        if (disk != 0 || cdDisk != 0 || entriesHere != entriesTotal) {
            throw new ZipStructureException("multi-disk archives are not accepted");
        }
        int eocd = tailStart + p;
        if (cdOffset + cdSize != eocd) {
            throw new ZipStructureException(String.format(Locale.ROOT,
                    "central directory (offset %d, size %d) does not end at the end record (offset %d): "
                            + "data before the first entry or between directory and end record", cdOffset, cdSize, eocd));
        }
        return new EndRecord(size, eocd, entriesTotal, cdSize, cdOffset);
    }

    /**
     * Parses and cross-checks the central directory {@code end} describes against the local headers
     * and the layout of the file. Holds the directory ({@link EndRecord#directorySize()} bytes) while
     * it runs.
     *
     * @return the central directory records, in file order
     * @throws ZipStructureException naming the entry and the inconsistency
     */
    static List<CentralEntry> verify(FileChannel ch, EndRecord end) throws IOException {
        int cdOffset = (int) end.directoryOffset();
        ByteBuffer b = read(ch, cdOffset, (int) end.directorySize());
        int cdEnd = b.limit();
        List<CentralEntry> entries = new ArrayList<>(end.entries());
        Window window = new Window(ch, cdOffset);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int p = 0;
        for (int i = 0; i < end.entries(); i++) {
            if (p + CEN_LEN > cdEnd || b.getInt(p) != CEN_SIG) {
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
            if (next > cdEnd) {
                throw new ZipStructureException(String.format(Locale.ROOT,
                        "central directory record %d runs past the directory", i));
            }
            String name = utf8(decoder, b, p + CEN_LEN, nameLen, i);
            if ((flags & 1) != 0) {
                throw new ZipStructureException("entry '" + shown(name) + "' is encrypted");
            }
            if (csize == 0xFFFFFFFFL || size == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL) {
                throw new ZipStructureException("entry '" + shown(name) + "' uses ZIP64 sizes, which are not accepted");
            }
            if (method != 0 && method != 8) {
                throw new ZipStructureException(String.format(Locale.ROOT,
                        "entry '%s' uses compression method %d; only stored (0) and deflated (8) are accepted", shown(name), method));
            }
            long dataStart = checkLocalHeader(window, b, name, p + CEN_LEN, nameLen, flags, method, crc, csize, size,
                    localOffset, cdOffset);
            entries.add(new CentralEntry(name, method, csize, size, crc, (int) localOffset, dataStart));
            p = next;
        }
        if (p != cdEnd) {
            throw new ZipStructureException("central directory holds more bytes than its records");
        }
        checkLayout(entries, cdOffset);
        return List.copyOf(entries);
    }

    /** Reads and checks the local header of one entry; returns where its data starts. */
    private static long checkLocalHeader(Window window, ByteBuffer cen, String name, int cenNameAt, int nameLen, int flags,
                                         int method, long crc, long csize, long size, long localOffset, long cdOffset)
            throws IOException {
        if (localOffset + LOC_LEN > cdOffset) {
            throw new ZipStructureException("entry '" + shown(name) + "' has no local header where its central record points");
        }
        // Every field taken out before the name is read: the window may move for it.
        ByteBuffer loc = window.read(localOffset, LOC_LEN);
        if (loc.getInt(0) != LOC_SIG) {
            throw new ZipStructureException("entry '" + shown(name) + "' has no local header where its central record points");
        }
        int locFlags = u16(loc, 6);
        int locMethod = u16(loc, 8);
        int locNameLen = u16(loc, 26);
        int locExtraLen = u16(loc, 28);
        long locCrc = u32(loc, 14);
        long locCsize = u32(loc, 18);
        long locSize = u32(loc, 22);
        if (locMethod != method || (locFlags & 8) != (flags & 8)) {
            throw new ZipStructureException("entry '" + shown(name) + "': local header and central directory disagree on the compression");
        }
        if (localOffset + LOC_LEN + (long) locNameLen > cdOffset) {
            throw new ZipStructureException("entry '" + shown(name) + "': local header runs into the central directory");
        }
        if (locNameLen != nameLen || !window.read(localOffset + LOC_LEN, nameLen).equals(cen.slice(cenNameAt, nameLen))) {
            throw new ZipStructureException("entry '" + shown(name) + "': local header names another entry than the central directory");
        }
        if ((flags & 8) == 0 && (locCrc != crc || locCsize != csize || locSize != size)) {
            throw new ZipStructureException("entry '" + shown(name) + "': local header and central directory disagree on the sizes or CRC");
        }
        return localOffset + LOC_LEN + locNameLen + locExtraLen;
    }

    /** Entries must follow one another from offset 0 without overlapping; the data must end before the directory. */
    private static void checkLayout(List<CentralEntry> entries, long cdOffset) {
        List<CentralEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingInt(CentralEntry::localOffset));
        long end = 0;
        for (CentralEntry e : byOffset) {
            if (e.localOffset() < end) {
                throw new ZipStructureException("entry '" + shown(e.name()) + "' overlaps the entry before it");
            }
            if (end == 0 && e.localOffset() != 0) {
                throw new ZipStructureException("data before the first entry (a prefixed or polyglot file)");
            }
            end = e.dataStart() + e.compressedSize();
            if (end > cdOffset) {
                throw new ZipStructureException("entry '" + shown(e.name()) + "' runs into the central directory");
            }
        }
    }

    /** {@code length} bytes at {@code at}, little-endian; a file shorter than that is a truncated structure. */
    /**
     * The local headers read through one bounded buffer. Entries lie one after another, most a few KB
     * apart, so one read of the file serves dozens of headers where a read per header and per name
     * cost two system calls an entry (four thousand for a Guava jar). The bytes are the file's all
     * the same; a view handed out is valid until the next read. A central directory in another
     * order than the data could make every header a fresh 64 KiB read: the window reads at most
     * twice the bytes before the directory, then reads each header exactly.
     */
    private static final class Window {
        private static final int SIZE = 1 << 16;
        private final FileChannel ch;
        /** Reads stop here: the start of the central directory, which every header lies before. */
        private final long limit;
        private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        private long start;
        private int filled;
        /** Bytes the window may still read ahead. */
        private long budget;

        Window(FileChannel ch, long limit) {
            this.ch = ch;
            this.limit = limit;
            this.budget = 2 * limit;
        }

        ByteBuffer read(long at, int length) throws IOException {
            boolean inside = at >= start && at + length <= start + filled;
            if (!inside && (length > SIZE || at + length > limit || budget <= 0)) {
                return ZipStructure.read(ch, at, length);
            }
            if (!inside) {
                buffer.clear().limit((int) Math.min(SIZE, limit - at));
                while (buffer.position() < length) {
                    if (ch.read(buffer, at + buffer.position()) < 0) {
                        throw new ZipStructureException("truncated zip structure");
                    }
                }
                start = at;
                filled = buffer.position();
                budget -= filled;
            }
            return buffer.slice((int) (at - start), length).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (ch.read(buffer, at + buffer.position()) < 0) {
                throw new ZipStructureException("truncated zip structure");
            }
        }
        return buffer.flip();
    }

    /** Names quoted in messages: escaped and bounded, as every name from an archive. */
    private static String shown(String name) {
        return EscapedText.bounded(name, 200);
    }

    /**
     * A name as strict UTF-8 ({@code decoder} reports malformed input; decode resets it first).
     * First through {@code new String(bytes, UTF_8)}, the JDK's fast path, which a per-entry
     * decoder call is not in a short run's interpreter: it decodes valid UTF-8 exactly as the
     * strict decoder does and puts U+FFFD in place of anything malformed, so a name without U+FFFD
     * was valid and is the strict decoder's result; a name with one (malformed, or a real U+FFFD)
     * goes through the strict decoder, which refuses it or returns the same string.
     */
    private static String utf8(CharsetDecoder decoder, ByteBuffer b, int at, int len, int index) {
        String fast = new String(b.array(), b.arrayOffset() + at, len, StandardCharsets.UTF_8);
        if (fast.indexOf('\uFFFD') < 0) {
            return fast;
        }
        try {
            return decoder.decode(b.slice(at, len)).toString();
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

    /** The structure is inconsistent; the message names the entry where there is one (escaped). */
    static final class ZipStructureException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ZipStructureException(String message) {
            super(message);
        }
    }
}
