package dev.stigmem.loader;

import java.util.Locale;

/**
 * Resource bounds applied while reading a plugin archive, so a hostile archive cannot exhaust
 * memory, disk or time (zip bombs, millions of entries, absurd names).
 *
 * <p>Immutable. {@link #DEFAULTS} suits plugins of up to a few megabytes with a handful of
 * private libraries; an operator with larger plugins raises single bounds with the withers.
 *
 * <p><b>Memory.</b> What the loader holds of one archive in memory is bounded by
 * {@code maxHeldBytes}: the uncompressed entries (each counted at the size its zip's central
 * directory declares), {@link #ENTRY_OVERHEAD_BYTES} and twice the name's length of bookkeeping per entry and
 * {@link #CLASS_OVERHEAD_BYTES} more per class file (what the pre-scan keeps of each class), and,
 * while a zip's structure is checked, its central directory. The declared total is checked
 * before any entry is inflated, and no entry is inflated past its declared size (an entry that
 * holds more is refused), so the bound holds against sizes that lie. Every archive a
 * {@link PluginLoader} reads at the same time takes its share from {@code maxConcurrentHeldBytes}
 * first, waiting until enough is free: concurrent reads and scans (for example
 * {@code stigmem scan} over a plugin directory) hold at most that much together. Waiting changes
 * no outcome: whether an archive is accepted never depends on what else is being read.
 *
 * @param maxArchiveBytes         largest archive file (or directory total) accepted, in bytes
 * @param maxJars                 most jars in one archive (plugin jar plus libraries)
 * @param maxEntriesPerJar        most entries in one jar (directories included)
 * @param maxEntryBytes           largest uncompressed entry
 * @param maxTotalBytes           largest uncompressed total across all jars of the archive (the
 *                                jars of a zip, which are extracted to the private directory, and
 *                                their entries)
 * @param maxCompressionRatio     largest uncompressed/compressed ratio of an entry bigger than
 *                                {@link #RATIO_FLOOR_BYTES}
 * @param maxNameLength           longest entry name, in characters
 * @param maxNameDepth            most path segments in an entry name
 * @param maxHeldBytes            memory budget of one archive, in bytes (see above)
 * @param maxConcurrentHeldBytes  memory budget of all archives one loader reads at the same time;
 *                                at least {@code maxHeldBytes}
 */
public record ArchiveLimits(long maxArchiveBytes, int maxJars, int maxEntriesPerJar, long maxEntryBytes,
                            long maxTotalBytes, int maxCompressionRatio, int maxNameLength, int maxNameDepth,
                            long maxHeldBytes, long maxConcurrentHeldBytes) {

    /** Entries smaller than this are exempt from the ratio bound: small text compresses very well. */
    public static final long RATIO_FLOOR_BYTES = 64 * 1024;

    /**
     * Bytes counted against {@code maxHeldBytes} for each entry on top of its size and twice its
     * name's length (the loader and the JDK's module finder keep it): map nodes, the zip readers'
     * tables, the central directory record.
     */
    public static final long ENTRY_OVERHEAD_BYTES = 256;

    /**
     * Bytes counted against {@code maxHeldBytes} for each {@code .class} entry on top of
     * {@link #ENTRY_OVERHEAD_BYTES}: what the pre-scan keeps of every class between its passes
     * (header, supertypes, hierarchy node).
     */
    public static final long CLASS_OVERHEAD_BYTES = 768;

    /** Default of {@code maxHeldBytes}: 128 MiB. */
    public static final long DEFAULT_HELD_BYTES = 128L << 20;

    /** Default of {@code maxConcurrentHeldBytes}: 256 MiB. */
    public static final long DEFAULT_CONCURRENT_HELD_BYTES = 256L << 20;

    /**
     * 64 MiB archives, 64 jars, 20,000 entries a jar, 16 MiB an entry, 256 MiB in all, ratio 100;
     * 128 MiB held in memory per archive, 256 MiB for all archives read at once.
     */
    public static final ArchiveLimits DEFAULTS = new ArchiveLimits(64L << 20, 64, 20_000, 16L << 20,
            256L << 20, 100, 512, 32, DEFAULT_HELD_BYTES, DEFAULT_CONCURRENT_HELD_BYTES);

    public ArchiveLimits {
        if (maxArchiveBytes < 1 || maxJars < 1 || maxEntriesPerJar < 1 || maxEntryBytes < 1 || maxTotalBytes < 1
                || maxCompressionRatio < 1 || maxNameLength < 1 || maxNameDepth < 1 || maxHeldBytes < 1
                || maxConcurrentHeldBytes < 1) {
            throw new IllegalArgumentException("every archive limit must be positive");
        }
        if (maxEntryBytes > Integer.MAX_VALUE - 16 || maxArchiveBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("archives and entries are read into arrays: limits must stay below 2 GiB");
        }
        if (maxConcurrentHeldBytes < maxHeldBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the memory budget of concurrent archives (%d bytes) must be at least the budget of one archive (%d bytes)",
                    maxConcurrentHeldBytes, maxHeldBytes));
        }
    }

    /** The limits before the memory budgets existed, with their defaults (the concurrent one at least {@code maxHeldBytes}). */
    public ArchiveLimits(long maxArchiveBytes, int maxJars, int maxEntriesPerJar, long maxEntryBytes,
                         long maxTotalBytes, int maxCompressionRatio, int maxNameLength, int maxNameDepth) {
        this(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes, maxCompressionRatio, maxNameLength,
                maxNameDepth, DEFAULT_HELD_BYTES, DEFAULT_CONCURRENT_HELD_BYTES);
    }

    public ArchiveLimits withMaxArchiveBytes(long value) {
        return new ArchiveLimits(value, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    public ArchiveLimits withMaxEntriesPerJar(int value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, value, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    public ArchiveLimits withMaxEntryBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, value, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    public ArchiveLimits withMaxTotalBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, value,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    public ArchiveLimits withMaxCompressionRatio(int value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                value, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    public ArchiveLimits withMaxJars(int value) {
        return new ArchiveLimits(maxArchiveBytes, value, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, maxConcurrentHeldBytes);
    }

    /** The memory budget of one archive; the concurrent budget is raised to it when it was lower. */
    public ArchiveLimits withMaxHeldBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, value, Math.max(value, maxConcurrentHeldBytes));
    }

    /** The memory budget of all archives a loader reads at the same time (at least {@code maxHeldBytes}). */
    public ArchiveLimits withMaxConcurrentHeldBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth, maxHeldBytes, value);
    }
}
