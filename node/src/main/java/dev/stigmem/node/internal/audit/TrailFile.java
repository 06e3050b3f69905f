package dev.stigmem.node.internal.audit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/**
 * The file an {@link AuditLog} appends to: positional writes, a sync, a truncation. The seam exists
 * so that tests can put a file that fails after a number of bytes (a full disk) under a real trail.
 *
 * <p>The node's implementation ({@link #open}) writes through a {@link RandomAccessFile}, not a
 * {@link java.nio.channels.FileChannel}: a {@code FileChannel} is an interruptible channel, which the
 * JDK <em>closes</em> when a thread blocked in it is interrupted, and with it the trail for every
 * later caller. {@code java.io} file I/O ignores interrupts, so no caller's interrupt (a timed-out
 * handler, a cancelled request, shutdown) can reach the file. The file's channel is used once, by
 * the opening thread, to take the lock that keeps a second node off the same trail.
 */
public interface TrailFile extends AutoCloseable {

    /** Opens a trail's file; tests pass their own to simulate failures. */
    @FunctionalInterface
    interface Opener {
        TrailFile open(Path file) throws IOException;
    }

    /** The file's length in bytes. */
    long size() throws IOException;

    /** Writes all of {@code bytes} at {@code position}; may leave part of them written when it throws. */
    void write(long position, byte[] bytes) throws IOException;

    /** Forces what was written to the storage device (fsync). */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * Opens (creating it) {@code file} for reading and writing and takes an exclusive lock on it.
     *
     * @throws IOException when it cannot be opened, or another process (or another trail of this
     *                     JVM) holds it: two writers would interleave their sequences
     */
    static TrailFile open(Path file) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        FileLock lock;
        // A pending interrupt of the opening thread would close the channel (and the file) in tryLock:
        // cleared for the call, and set again after it.
        boolean interrupted = Thread.interrupted();
        try {
            lock = raf.getChannel().tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (lock == null) {
            raf.close();
            throw new IOException("the audit trail " + file + " is in use by another node (it is locked); "
                    + "one trail has one writer");
        }
        return new RandomAccessTrail(raf);
    }

    /** The node's trail file: {@code java.io}, so interrupts cannot close it. */
    final class RandomAccessTrail implements TrailFile {
        private final RandomAccessFile raf;

        private RandomAccessTrail(RandomAccessFile raf) {
            this.raf = raf;
        }

        @Override
        public long size() throws IOException {
            return raf.length();
        }

        @Override
        public void write(long position, byte[] bytes) throws IOException {
            raf.seek(position);
            raf.write(bytes);
        }

        @Override
        public void force() throws IOException {
            raf.getFD().sync();
        }

        @Override
        public void truncate(long size) throws IOException {
            raf.setLength(size);
        }

        @Override
        public void close() throws IOException {
            raf.close(); // releases the lock with the file
        }
    }
}
