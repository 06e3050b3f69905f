package dev.stigmem.loader.internal.archive;

/**
 * The zip format's record signatures and fixed header lengths (APPNOTE 4.3), for the reader that checks
 * archives ({@link ZipStructure}) and the writer of the layer's stored jars alike.
 */
public final class ZipFormat {
    /** Local file header signature, and the header's length before the name. */
    public static final int LOC_SIG = 0x04034b50;
    public static final int LOC_LEN = 30;
    /** Central directory header signature, and the header's length before the name. */
    public static final int CEN_SIG = 0x02014b50;
    public static final int CEN_LEN = 46;
    /** End of central directory record signature, and the record's length before its comment. */
    public static final int EOCD_SIG = 0x06054b50;
    public static final int EOCD_LEN = 22;

    private ZipFormat() {
    }
}
