package dev.stigmem.loader.internal.archive;

import java.util.concurrent.CancellationException;

/**
 * Bytes of memory shared by the archives one loader reads at the same time
 * ({@link dev.stigmem.loader.ArchiveLimits#maxConcurrentHeldBytes()}). A reader takes what an archive
 * will hold before it reads it, and gives it back when the archive's image is no longer used.
 *
 * <p>Requests are served in arrival order (a large request is not overtaken for ever by small
 * ones). A reader never waits while it holds a grant: it gives back the transient grant of a
 * structure check before it asks for the archive's grant, and asks for nothing more while it holds
 * that one. So every holder gives back without waiting on another, and waiting cannot deadlock
 * (the one rule for callers: do not read another archive through the same loader while holding
 * an archive's grant). Thread-safe.
 */
public final class MemoryBudget {
    private final long capacity;
    private final java.util.Set<Long> abandoned = new java.util.HashSet<>();
    private long inUse;
    private long nextTicket;
    private long serving;

    public MemoryBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The budget, in bytes. */
    public long capacity() {
        return capacity;
    }

    /** Bytes taken now (for tests and diagnostics). */
    public synchronized long inUse() {
        return inUse;
    }

    /**
     * Takes {@code bytes}, waiting until they are free.
     *
     * @param bytes at most {@link #capacity()}
     * @throws CancellationException when the thread is interrupted while it waits (its interrupt
     *                               status is kept)
     */
    public Grant take(long bytes) {
        if (bytes < 0 || bytes > capacity) {
            throw new IllegalArgumentException(bytes + " bytes requested from a budget of " + capacity);
        }
        synchronized (this) {
            long ticket = nextTicket++;
            try {
                while (ticket != serving || capacity - inUse < bytes) {
                    wait();
                }
            } catch (InterruptedException e) {
                // Give the turn on: a waiter behind this one must not wait for a ticket never served.
                if (ticket == serving) {
                    serving++;
                } else {
                    abandoned.add(ticket);
                }
                skipAbandoned();
                notifyAll();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for " + bytes + " bytes of the archives' memory budget");
            }
            inUse += bytes;
            serving++;
            skipAbandoned();
            notifyAll();
            return new Grant(bytes);
        }
    }

    private void skipAbandoned() {
        while (abandoned.remove(serving)) {
            serving++;
        }
    }

    private synchronized void release(long bytes) {
        inUse -= bytes;
        notifyAll();
    }

    /** Bytes taken from the budget; {@link #close()} gives them back (once). */
    public final class Grant implements AutoCloseable {
        private long bytes;

        private Grant(long bytes) {
            this.bytes = bytes;
        }

        /** Bytes this grant holds (0 once closed). */
        public synchronized long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            long b;
            synchronized (this) {
                b = bytes;
                bytes = 0;
            }
            if (b > 0) {
                release(b);
            }
        }
    }
}
