package dev.stigmem.loader.scan;

/**
 * The resource bounds of one scan, so that a hostile archive cannot make the scanner do unbounded
 * work. Exceeding one fails the scan with a {@link ScanLimitException}; nothing is half-scanned.
 *
 * @param maxClasses           class files (all jars, all multi-release versions) in one archive
 * @param maxClassFileBytes    size of one class file
 * @param maxBootstrapDepth    nesting of constant-dynamic constants inside bootstrap arguments
 * @param maxClassMajorVersion newest class-file major version the scanner reads (69 = Java 25);
 *                             newer files may hold reference forms the scanner does not know
 * @param maxFindings          findings in one report; an archive beyond it is refused rather than
 *                             reported in an unbounded report
 * @param maxHierarchyDepth    longest chain of supertypes (superclasses and interfaces, counted in
 *                             edges, JDK types included) of any class of the archive
 * @param maxCallGraphSize     entries of the archive's call graph: calls between its own classes
 *                             (distinct per method), methods, and links from each class to its
 *                             supertypes in the archive
 */
public record ScanLimits(int maxClasses, int maxClassFileBytes, int maxBootstrapDepth, int maxClassMajorVersion,
                         int maxFindings, int maxHierarchyDepth, int maxCallGraphSize) {

    /**
     * The defaults: 100 000 classes, 8 MiB per class file, bootstrap depth 8, Java 25, 200 000 findings,
     * hierarchy depth 2 000, call graph 8 000 000 entries.
     */
    public static final ScanLimits DEFAULT = new ScanLimits(100_000, 8 << 20, 8, 69, 200_000, 2_000, 8_000_000);

    public ScanLimits {
        if (maxClasses < 1 || maxClassFileBytes < 10 || maxBootstrapDepth < 1 || maxClassMajorVersion < 45 || maxFindings < 1
                || maxHierarchyDepth < 1 || maxCallGraphSize < 1) {
            throw new IllegalArgumentException("scan limits out of range: " + maxClasses + " classes, "
                    + maxClassFileBytes + " bytes, depth " + maxBootstrapDepth + ", major " + maxClassMajorVersion
                    + ", " + maxFindings + " findings, hierarchy depth " + maxHierarchyDepth + ", call graph " + maxCallGraphSize);
        }
    }

    /** The limits before {@code maxCallGraphSize} existed, with its default. */
    public ScanLimits(int maxClasses, int maxClassFileBytes, int maxBootstrapDepth, int maxClassMajorVersion, int maxFindings,
                      int maxHierarchyDepth) {
        this(maxClasses, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, maxFindings, maxHierarchyDepth, 8_000_000);
    }

    /** The limits before {@code maxHierarchyDepth} existed, with its default. */
    public ScanLimits(int maxClasses, int maxClassFileBytes, int maxBootstrapDepth, int maxClassMajorVersion, int maxFindings) {
        this(maxClasses, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, maxFindings, 2_000, 8_000_000);
    }

    public ScanLimits withMaxClasses(int value) {
        return new ScanLimits(value, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, maxFindings, maxHierarchyDepth, maxCallGraphSize);
    }

    public ScanLimits withMaxClassFileBytes(int value) {
        return new ScanLimits(maxClasses, value, maxBootstrapDepth, maxClassMajorVersion, maxFindings, maxHierarchyDepth, maxCallGraphSize);
    }

    public ScanLimits withMaxBootstrapDepth(int value) {
        return new ScanLimits(maxClasses, maxClassFileBytes, value, maxClassMajorVersion, maxFindings, maxHierarchyDepth, maxCallGraphSize);
    }

    public ScanLimits withMaxFindings(int value) {
        return new ScanLimits(maxClasses, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, value, maxHierarchyDepth, maxCallGraphSize);
    }

    public ScanLimits withMaxCallGraphSize(int value) {
        return new ScanLimits(maxClasses, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, maxFindings, maxHierarchyDepth, value);
    }

    public ScanLimits withMaxHierarchyDepth(int value) {
        return new ScanLimits(maxClasses, maxClassFileBytes, maxBootstrapDepth, maxClassMajorVersion, maxFindings, value, maxCallGraphSize);
    }
}
