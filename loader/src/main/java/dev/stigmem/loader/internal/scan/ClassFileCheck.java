package dev.stigmem.loader.internal.scan;

import dev.stigmem.loader.scan.ScanInputException;
import dev.stigmem.loader.scan.ScanLimits;
import dev.stigmem.loader.scan.ScanLimitException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Walks a class file's structure once, bounds-checked, before ASM sees it: magic, version, every
 * constant, every field, method and attribute header, and no byte after the end. ASM trusts the
 * lengths it reads and recurses through constant-dynamic bootstrap arguments without a bound; this
 * check makes sure that every file ASM gets is complete and that bootstrap nesting is acyclic and
 * within {@link ScanLimits#maxBootstrapDepth()}, so that ASM can neither read past the end nor
 * overflow the stack.
 */
final class ClassFileCheck {

    private static final byte[] BOOTSTRAP_METHODS = "BootstrapMethods".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CODE = "Code".getBytes(StandardCharsets.US_ASCII);
    /** JVMS 4.7.3: code_length is less than 65536. */
    private static final int MAX_CODE_LENGTH = 65535;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int UTF8 = 1;

    private final byte[] b;
    private final String jar;
    private final String entry;
    private int pos;
    /** The header read on the way (see {@link Header}); null when ASM is to read it. */
    private Header header;

    private ClassFileCheck(byte[] bytes, String jar, String entry) {
        this.b = bytes;
        this.jar = jar;
        this.entry = entry;
    }

    /**
     * A plain class's header, read from the structure this check walks anyway, so that the scan's first pass
     * needs no ASM reader: its access flags, its name, its superclass (empty for none) and interfaces, as ASM
     * would read them. Only for a class whose every one of these names is a class constant naming a UTF-8
     * constant of ASCII characters, in a class-file version ASM reads; else (a module descriptor, a
     * malformed or unusual file) ASM reads the header as before, and fails on it as before.
     */
    record Header(int access, String name, Optional<String> superName, String[] interfaces) {
    }

    /** The newest class-file version the bundled ASM reads for certain; a newer file's header is left to ASM's own check. */
    private static final int ASM_READS = Opcodes.V25;
    private static final int CLASS = 7;

    /**
     * Checks one class file.
     *
     * @param jar   the jar holding it, for messages
     * @param entry its entry in the jar, for messages
     * @return its header (see {@link Header}), or empty when ASM is to read it
     * @throws ScanInputException if the file is not a complete, well-formed class file the scanner reads
     * @throws ScanLimitException if it exceeds the size or bootstrap-depth bound
     */
    static Optional<Header> check(byte[] bytes, ScanLimits limits, String jar, String entry) {
        if (bytes.length > limits.maxClassFileBytes()) {
            throw new ScanLimitException(String.format(Locale.ROOT,
                    "%s: class file of %d bytes exceeds the limit of %d bytes", jar + "!" + entry, bytes.length,
                    limits.maxClassFileBytes()));
        }
        ClassFileCheck check = new ClassFileCheck(bytes, jar, entry);
        check.run(limits);
        return Optional.ofNullable(check.header);
    }

    /** {@code jar!entry}, for messages; built only for one (most class files pass). */
    private String where() {
        return jar + "!" + entry;
    }

    private void run(ScanLimits limits) {
        if (b.length < 10 || u4() != 0xCAFEBABE) {
            throw malformed("not a class file (bad magic)");
        }
        int minor = u2();
        int major = u2();
        if (major > limits.maxClassMajorVersion()) {
            throw new ScanInputException(String.format(Locale.ROOT,
                    "%s: class-file version %d.%d (Java %d) is newer than the scanner reads (at most %d, Java %d)",
                    where(), major, minor, major - 44, limits.maxClassMajorVersion(), limits.maxClassMajorVersion() - 44));
        }
        if (major < 45) {
            throw malformed("class-file version " + major + " is not a valid version");
        }
        int count = u2();
        if (count == 0) {
            throw malformed("constant pool count 0");
        }
        byte[] tags = new byte[count];
        int[] offsets = new int[count];
        int dynamics = 0;
        for (int i = 1; i < count; i++) {
            int tag = u1();
            tags[i] = (byte) tag;
            offsets[i] = pos;
            switch (tag) {
                case UTF8 -> skip(u2());
                case 3, 4, 9, 10, 11, 12 -> skip(4);
                case 5, 6 -> {
                    skip(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> skip(2);
                case 15 -> skip(3);
                case DYNAMIC, INVOKE_DYNAMIC -> {
                    skip(4);
                    dynamics++;
                }
                default -> throw malformed(String.format(Locale.ROOT, "unknown constant pool tag %d at index %d", tag, i));
            }
        }
        int access = u2();
        int thisClass = u2();
        int superClass = u2();
        int[] interfaces = new int[u2()];
        if (pos + 2L * interfaces.length > b.length) {
            throw truncated();
        }
        for (int i = 0; i < interfaces.length; i++) {
            interfaces[i] = u2();
        }
        for (int kind = 0; kind < 2; kind++) { // fields, then methods
            int members = u2();
            for (int m = 0; m < members; m++) {
                skip(6);
                memberAttributes(tags, offsets);
            }
        }
        int[][] bootstrapArgs = null;
        int attributes = u2();
        for (int a = 0; a < attributes; a++) {
            int nameIndex = u2();
            long length = u4() & 0xFFFFFFFFL;
            int end = checkedEnd(length);
            if (isUtf8(tags, offsets, nameIndex, BOOTSTRAP_METHODS)) {
                int n = u2();
                bootstrapArgs = new int[n][];
                for (int m = 0; m < n; m++) {
                    skip(2);
                    int args = u2();
                    bootstrapArgs[m] = new int[args];
                    for (int k = 0; k < args; k++) {
                        int index = u2();
                        if (index <= 0 || index >= count) {
                            throw malformed("bootstrap argument refers to constant " + index + " outside the pool");
                        }
                        bootstrapArgs[m][k] = index;
                    }
                }
                if (pos != end) {
                    throw malformed("BootstrapMethods attribute length does not match its content");
                }
            }
            pos = end;
        }
        if (pos != b.length) {
            throw malformed(String.format(Locale.ROOT, "%d extra bytes after the end of the class file", b.length - pos));
        }
        if (dynamics > 0) {
            checkBootstrapDepth(tags, offsets, bootstrapArgs, limits.maxBootstrapDepth());
        }
        if ((access & Opcodes.ACC_MODULE) == 0 && major <= ASM_READS) {
            header = header(tags, offsets, access, thisClass, superClass, interfaces);
        }
    }

    /** The {@link Header}, or null when a name in it is not a plain one (ASM reads it then). */
    private Header header(byte[] tags, int[] offsets, int access, int thisClass, int superClass, int[] interfaces) {
        String name = className(tags, offsets, thisClass);
        String superName = superClass == 0 ? "" : className(tags, offsets, superClass);
        if (name == null || superName == null) {
            return null;
        }
        String[] names = new String[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            names[i] = className(tags, offsets, interfaces[i]);
            if (names[i] == null) {
                return null;
            }
        }
        return new Header(access, name, superClass == 0 ? Optional.empty() : Optional.of(superName), names);
    }

    /**
     * The name a class constant names, when it is a UTF-8 constant of ASCII characters only: then ASM's
     * decoding (modified UTF-8) gives exactly these characters. Null for anything else.
     */
    private String className(byte[] tags, int[] offsets, int index) {
        if (index <= 0 || index >= tags.length || tags[index] != CLASS) {
            return null;
        }
        int nameIndex = ((b[offsets[index]] & 0xFF) << 8) | (b[offsets[index] + 1] & 0xFF);
        if (nameIndex <= 0 || nameIndex >= tags.length || tags[nameIndex] != UTF8) {
            return null;
        }
        int off = offsets[nameIndex];
        int len = ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
        for (int i = off + 2; i < off + 2 + len; i++) {
            if (b[i] < 0) {
                return null;
            }
        }
        return new String(b, off + 2, len, StandardCharsets.ISO_8859_1);
    }

    private void checkBootstrapDepth(byte[] tags, int[] offsets, int[][] bootstrapArgs, int maxDepth) {
        int[] depth = new int[tags.length]; // 0 = not computed, -1 = on the current path
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == DYNAMIC || tags[i] == INVOKE_DYNAMIC) {
                depthOf(i, tags, offsets, bootstrapArgs, depth, maxDepth, 1);
            }
        }
    }

    private int depthOf(int index, byte[] tags, int[] offsets, int[][] bootstrapArgs, int[] depth, int maxDepth, int level) {
        if (depth[index] == -1) {
            throw malformed("constant-dynamic " + index + " is its own bootstrap argument (cycle)");
        }
        if (depth[index] > 0) {
            return depth[index];
        }
        if (level > maxDepth) {
            throw new ScanLimitException(String.format(Locale.ROOT,
                    "%s: constant-dynamic bootstrap arguments nest deeper than the limit of %d", where(), maxDepth));
        }
        int bsm = ((b[offsets[index]] & 0xFF) << 8) | (b[offsets[index] + 1] & 0xFF);
        if (bootstrapArgs == null || bsm >= bootstrapArgs.length) {
            throw malformed("dynamic constant " + index + " refers to bootstrap method " + bsm + ", which does not exist");
        }
        depth[index] = -1;
        int deepest = 0;
        for (int arg : bootstrapArgs[bsm]) {
            if (tags[arg] == DYNAMIC) {
                deepest = Math.max(deepest, depthOf(arg, tags, offsets, bootstrapArgs, depth, maxDepth, level + 1));
            }
        }
        depth[index] = deepest + 1;
        if (depth[index] > maxDepth) {
            throw new ScanLimitException(String.format(Locale.ROOT,
                    "%s: constant-dynamic bootstrap arguments nest deeper than the limit of %d", where(), maxDepth));
        }
        return depth[index];
    }

    private boolean isUtf8(byte[] tags, int[] offsets, int index, byte[] expected) {
        if (index <= 0 || index >= tags.length || tags[index] != UTF8) {
            throw malformed("attribute name " + index + " is not a UTF-8 constant");
        }
        int off = offsets[index];
        int len = ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
        return len == expected.length && Arrays.equals(b, off + 2, off + 2 + len, expected, 0, len);
    }

    /**
     * Walks a field's or method's attributes; a Code attribute is checked inside, because ASM sizes
     * arrays by its code_length before it reads the code.
     */
    private void memberAttributes(byte[] tags, int[] offsets) {
        int n = u2();
        for (int a = 0; a < n; a++) {
            int nameIndex = u2();
            int end = checkedEnd(u4() & 0xFFFFFFFFL);
            if (isUtf8(tags, offsets, nameIndex, CODE)) {
                skip(4); // max_stack, max_locals
                long codeLength = u4() & 0xFFFFFFFFL;
                if (codeLength == 0 || codeLength > MAX_CODE_LENGTH || pos + codeLength > end) {
                    throw malformed("Code attribute with code_length " + codeLength + " does not fit its attribute");
                }
                skip((int) codeLength);
                skip(8 * u2()); // exception table
                int nested = u2();
                for (int k = 0; k < nested; k++) {
                    skip(2);
                    pos = checkedEnd(u4() & 0xFFFFFFFFL);
                }
                if (pos != end) {
                    throw malformed("Code attribute length does not match its content");
                }
            }
            pos = end;
        }
    }

    private int checkedEnd(long length) {
        if (pos + length > b.length) {
            throw truncated();
        }
        return (int) (pos + length);
    }

    private int u1() {
        if (pos + 1 > b.length) {
            throw truncated();
        }
        return b[pos++] & 0xFF;
    }

    private int u2() {
        if (pos + 2 > b.length) {
            throw truncated();
        }
        int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    private int u4() {
        if (pos + 4 > b.length) {
            throw truncated();
        }
        int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private void skip(int n) {
        if ((long) pos + n > b.length) {
            throw truncated();
        }
        pos += n;
    }

    private ScanInputException truncated() {
        return new ScanInputException(String.format(Locale.ROOT, "%s: class file truncated (ends at byte %d)", where(), b.length));
    }

    private ScanInputException malformed(String what) {
        return new ScanInputException(where() + ": malformed class file: " + what);
    }
}
