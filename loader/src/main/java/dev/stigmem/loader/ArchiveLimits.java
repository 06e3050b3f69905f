package dev.stigmem.loader;

/**
 * Resource bounds applied while reading a plugin archive, so a hostile archive cannot exhaust
 * memory, disk or time (zip bombs, millions of entries, absurd names).
 *
 * <p>Immutable. {@link #DEFAULTS} suits plugins of up to a few megabytes with a handful of
 * private libraries; an operator with larger plugins raises single bounds with the withers.
 *
 * @param maxArchiveBytes       largest archive file (or directory total) accepted, in bytes
 * @param maxJars               most jars in one archive (plugin jar plus libraries)
 * @param maxEntriesPerJar      most entries in one jar (directories included)
 * @param maxEntryBytes         largest uncompressed entry
 * @param maxTotalBytes         largest uncompressed total across all jars of the archive
 * @param maxCompressionRatio   largest uncompressed/compressed ratio of an entry bigger than
 *                              {@link #RATIO_FLOOR_BYTES}
 * @param maxNameLength         longest entry name, in characters
 * @param maxNameDepth          most path segments in an entry name
 */
public record ArchiveLimits(long maxArchiveBytes, int maxJars, int maxEntriesPerJar, long maxEntryBytes,
                            long maxTotalBytes, int maxCompressionRatio, int maxNameLength, int maxNameDepth) {

    /** Entries smaller than this are exempt from the ratio bound: small text compresses very well. */
    public static final long RATIO_FLOOR_BYTES = 64 * 1024;

    /** 64 MiB archives, 64 jars, 20,000 entries a jar, 16 MiB an entry, 256 MiB in all, ratio 100. */
    public static final ArchiveLimits DEFAULTS = new ArchiveLimits(64L << 20, 64, 20_000, 16L << 20,
            256L << 20, 100, 512, 32);

    public ArchiveLimits {
        if (maxArchiveBytes < 1 || maxJars < 1 || maxEntriesPerJar < 1 || maxEntryBytes < 1 || maxTotalBytes < 1
                || maxCompressionRatio < 1 || maxNameLength < 1 || maxNameDepth < 1) {
            throw new IllegalArgumentException("every archive limit must be positive");
        }
        if (maxEntryBytes > Integer.MAX_VALUE - 16 || maxArchiveBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("archives and entries are read into arrays: limits must stay below 2 GiB");
        }
    }

    public ArchiveLimits withMaxArchiveBytes(long value) {
        return new ArchiveLimits(value, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth);
    }

    public ArchiveLimits withMaxEntriesPerJar(int value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, value, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth);
    }

    public ArchiveLimits withMaxEntryBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, value, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth);
    }

    public ArchiveLimits withMaxTotalBytes(long value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, value,
                maxCompressionRatio, maxNameLength, maxNameDepth);
    }

    public ArchiveLimits withMaxCompressionRatio(int value) {
        return new ArchiveLimits(maxArchiveBytes, maxJars, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                value, maxNameLength, maxNameDepth);
    }

    public ArchiveLimits withMaxJars(int value) {
        return new ArchiveLimits(maxArchiveBytes, value, maxEntriesPerJar, maxEntryBytes, maxTotalBytes,
                maxCompressionRatio, maxNameLength, maxNameDepth);
    }
}
