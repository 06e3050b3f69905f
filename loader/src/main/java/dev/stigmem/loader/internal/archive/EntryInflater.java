package dev.stigmem.loader.internal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads the entries of one checked jar from its file, at the data offsets {@link ZipStructure} verified
 * against each local header (where {@code ZipFile} reads them too), through one 64 KiB window and one
 * {@link Inflater} for the whole jar. {@code ZipFile#getInputStream} made a stream, a buffer, a cleaner
 * and four system calls per entry: a quarter of a short run's time reading a jar of 2,000 classes.
 *
 * <p>An entry reads as through {@code ZipFile}'s inflating stream, so that its outcome is the same: at the
 * end of its compressed bytes the inflater gets one zero byte more (zlib may need one to finish a stream)
 * before the data counts as truncated ({@link EOFException}); data past the end of the deflate stream is
 * ignored; bad data is a {@link ZipException}. A stored entry is its compressed bytes.
 *
 * <p>Bounded: the window reads ahead (most entries lie one after another, a few KB each) for at most twice
 * the file's length in all; past that, it reads only what the entry being read still needs.
 * Not thread-safe; close it (it ends the inflater).
 */
final class EntryInflater implements AutoCloseable {
    private static final int WINDOW = 1 << 16;
    private static final byte[] ONE_ZERO = new byte[1];
    /** Where the probe for a byte past an entry's declared size goes. */
    private final byte[] probe = new byte[1];

    private final FileChannel channel;
    private final byte[] window = new byte[WINDOW];
    /** The file offset of {@code window[0]}, and how many bytes from there it holds. */
    private long windowStart;
    private int windowLength;
    /** Bytes the window may still read beyond what entries need. */
    private long readAhead;
    private final Inflater inflater = new Inflater(true);
    /** The entry being read: the next compressed byte, the end of its bytes, whether the zero byte was fed. */
    private long position;
    private long end;
    private boolean zeroFed;

    EntryInflater(FileChannel channel) throws IOException {
        this.channel = channel;
        this.readAhead = 2 * channel.size();
    }

    /** What one entry read into its array: {@code length} bytes, and whether its data holds more. */
    record Read(int length, boolean more) {
    }

    /**
     * Reads an entry's data into {@code data} (as many bytes as it holds, at most {@code data.length}) and
     * tells whether it has more than that.
     *
     * @throws EOFException when its compressed bytes end before its deflate stream does
     * @throws ZipException when its compressed bytes are no deflate stream
     */
    Read read(ZipStructure.CentralEntry entry, byte[] data) throws IOException {
        position = entry.dataStart();
        end = entry.dataStart() + entry.compressedSize();
        if (entry.method() == 0) {
            int n = (int) Math.min(entry.compressedSize(), data.length);
            int copied = 0;
            while (copied < n) {
                int got = chunk(n - copied);
                if (got < 0) {
                    break;
                }
                System.arraycopy(window, (int) (position - got - windowStart), data, copied, got);
                copied += got;
            }
            return new Read(copied, copied == data.length && position < end);
        }
        inflater.reset();
        zeroFed = false;
        int n = 0;
        while (n < data.length) {
            int got = inflate(data, n, data.length - n);
            if (got < 0) {
                break;
            }
            n += got;
        }
        return new Read(n, n == data.length && inflate(probe, 0, 1) >= 0);
    }

    /** As {@code InflaterInputStream#read(byte[], int, int)}: bytes inflated, or -1 at the stream's end. */
    private int inflate(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            int n;
            while ((n = inflater.inflate(b, off, len)) == 0) {
                if (inflater.finished() || inflater.needsDictionary()) {
                    return -1;
                }
                if (inflater.needsInput()) {
                    feed();
                }
            }
            return n;
        } catch (DataFormatException e) {
            String s = e.getMessage();
            throw new ZipException(s != null ? s : "Invalid ZLIB data format");
        }
    }

    /** The next compressed bytes into the inflater; then one zero byte; then the data is truncated. */
    private void feed() throws IOException {
        int got = chunk(WINDOW);
        if (got > 0) {
            inflater.setInput(window, (int) (position - got - windowStart), got);
        } else if (!zeroFed) {
            zeroFed = true;
            inflater.setInput(ONE_ZERO, 0, 1);
        } else {
            throw new EOFException("Unexpected end of ZLIB input stream");
        }
    }

    /**
     * Makes up to {@code max} of the entry's next bytes available in the window, at
     * {@code position - returned - windowStart}, and moves past them; -1 when the entry has none left
     * (or the file ends first).
     */
    private int chunk(int max) throws IOException {
        long want = Math.min(Math.min(max, WINDOW), end - position);
        if (want <= 0) {
            return -1;
        }
        if (position < windowStart || position >= windowStart + windowLength) {
            int length = (int) (readAhead > 0 ? WINDOW : want);
            ByteBuffer buffer = ByteBuffer.wrap(window, 0, length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    break;
                }
            }
            windowStart = position;
            windowLength = buffer.position();
            readAhead -= Math.max(0, windowLength - want);
            if (windowLength == 0) {
                return -1;
            }
        }
        int got = (int) Math.min(want, windowStart + windowLength - position);
        position += got;
        return got;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
