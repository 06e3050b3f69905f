package dev.stigmem.loader.internal.scan;

import net.bytebuddy.jar.asm.ClassReader;

/**
 * One {@code String} per distinct {@code CONSTANT_Utf8} text of an archive's class files, shared by the
 * readers of one scan ({@link Reader}). ASM decodes each class's constants into strings of its own, so an
 * owner, name or descriptor that a thousand classes use arrived as a thousand strings, each decoded,
 * hashed and compared char by char again in the scan's tables (the judge's caches, the call graph's
 * signatures). Pooled, a text is decoded once per archive, its hash is computed once, and those tables
 * mostly compare by identity.
 *
 * <p>Only texts of bytes below 0x80 are pooled (almost all of a class file's): ASM decodes such a byte
 * to the char of the same value, so the pooled string is found by comparing its chars with the bytes,
 * without decoding; any other text is ASM's own, per class, as before. A pooled string's content is
 * what ASM decoded from the same bytes. Bounded: past {@link #MAX_SIZE} texts (an archive larger than
 * any real library), further texts are not pooled. Thread-safe: lookups read the table without a
 * lock (strings are immutable, so a slot read races harmlessly), additions take one.
 */
final class Utf8Pool {
    static final int MAX_SIZE = 1 << 20;

    /** Open addressing; a slot holds a pooled string, null when empty. Replaced, never changed in place, when it grows. */
    private volatile String[] table = new String[1 << 8];
    /** Guarded by this. */
    private int size;
    private final int maxSize;

    Utf8Pool() {
        this(MAX_SIZE);
    }

    /** A pool of at most {@code maxSize} texts (tests). */
    Utf8Pool(int maxSize) {
        this.maxSize = maxSize;
    }

    /** The pooled string whose chars are {@code bytes[offset, offset + length)}, or null; {@code hash} is that text's. */
    private String find(String[] t, byte[] bytes, int offset, int length, int hash) {
        int mask = t.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            String s = t[i];
            if (s == null) {
                return null;
            }
            if (s.hashCode() == hash && sameChars(s, bytes, offset, length)) {
                return s;
            }
        }
    }

    /** Pools {@code decoded} (the text of those bytes) unless a string of it is pooled already; returns the pooled one. */
    private synchronized String add(byte[] bytes, int offset, int length, int hash, String decoded) {
        String known = find(table, bytes, offset, length, hash);
        if (known != null) {
            return known;
        }
        if (size >= maxSize) {
            return decoded;
        }
        String[] t = table;
        if (2 * (size + 1) > t.length) {
            String[] grown = new String[t.length * 2];
            for (String s : t) {
                if (s != null) {
                    insert(grown, s);
                }
            }
            t = grown;
        }
        insert(t, decoded);
        size++;
        table = t;
        return decoded;
    }

    private static void insert(String[] t, String s) {
        int mask = t.length - 1;
        int i = spread(s.hashCode()) & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = s;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static boolean sameChars(String s, byte[] bytes, int offset, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != bytes[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pooled string of the text {@code bytes[offset, offset + length)}, every byte of which is below
     * 0x80 (ISO-8859-1 and ASM's modified UTF-8 read such bytes alike), made and pooled if new.
     */
    String plain(byte[] bytes, int offset, int length) {
        long hash = plainHash(bytes, offset, length);
        if (hash < 0) {
            throw new IllegalArgumentException("not a text of bytes below 0x80");
        }
        String s = find(table, bytes, offset, length, (int) hash);
        return s != null ? s : add(bytes, offset, length, (int) hash,
                new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** The String hash of the text {@code bytes[offset, offset + length)} if every byte is below 0x80, else -1. */
    private static long plainHash(byte[] bytes, int offset, int length) {
        int hash = 0;
        boolean plain = true;
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i];
            plain &= b >= 0;
            hash = 31 * hash + (b & 0xFF);
        }
        return plain ? hash & 0xFFFFFFFFL : -1;
    }

    /** Number of pooled texts (tests). */
    synchronized int size() {
        return size;
    }

    /**
     * A {@link ClassReader} whose {@code CONSTANT_Utf8} strings come from a {@link Utf8Pool}. Every string
     * ASM reads from the constant pool goes through {@link #readUTF8} (but a method's generic signature,
     * which the scan does not use); per constant, the first read looks in the pool and the reader keeps
     * the answer, as ASM keeps its own decoding. Not thread-safe, as any {@code ClassReader}.
     */
    static final class Reader extends ClassReader {
        private final Utf8Pool pool;
        private final byte[] bytes;
        /** By constant pool index, as ASM's own cache of decoded constants. */
        private final String[] strings;

        Reader(byte[] classFile, Utf8Pool pool) {
            super(classFile);
            this.pool = pool;
            this.bytes = classFile;
            this.strings = new String[getItemCount()];
        }

        @Override
        public String readUTF8(int offset, char[] charBuffer) {
            if (strings == null) {
                // ASM's constructor reads attribute names before this reader's fields are set.
                return super.readUTF8(offset, charBuffer);
            }
            int index = readUnsignedShort(offset);
            if (offset == 0 || index == 0) {
                return null;
            }
            String known = strings[index];
            if (known != null) {
                return known;
            }
            int at = getItem(index);
            int length = readUnsignedShort(at);
            int start = at + 2;
            String s;
            if (start + length > bytes.length) {
                s = super.readUTF8(offset, charBuffer); // (ASM fails on it as it always did)
            } else {
                long hash = plainHash(bytes, start, length);
                if (hash < 0) {
                    s = super.readUTF8(offset, charBuffer);
                } else {
                    s = pool.find(pool.table, bytes, start, length, (int) hash);
                    if (s == null) {
                        s = pool.add(bytes, start, length, (int) hash, super.readUTF8(offset, charBuffer));
                    }
                }
            }
            strings[index] = s;
            return s;
        }
    }
}
