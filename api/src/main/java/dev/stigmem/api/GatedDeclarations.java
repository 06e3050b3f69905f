package dev.stigmem.api;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Gated} methods an interface declares, read from its own class file: each method's
 * {@code RuntimeVisibleAnnotations} (for {@code @Gated}) and {@code Signature} attribute (for the
 * handle type inside {@code Optional}).
 *
 * <p>Why a class-file reader and not {@link java.lang.reflect.Method#getAnnotation}: every
 * annotation instance reflection makes is a dynamic proxy (the JDK spins a proxy class per
 * annotation type through its own bytecode generator, which no class-data-sharing archive of JDK 17
 * can hold), and {@link java.lang.reflect.Method#getGenericReturnType} starts the generic
 * signature parser, in every cold {@code stigmem scan}, which only asks
 * {@link Capability#forAccessorName}. Measured in a fresh JVM (JDK 17, the api's classes from its
 * jar), the first use of the map took 16 ms of CPU that way and 6 ms this way.
 * The annotations stay the single source: nothing is copied at build time.
 *
 * <p>The input is the api's own class, so this reader is small rather than general, but strict and
 * bounded all the same: any structure it does not expect (a bad magic number, an index out of
 * range or of the wrong kind, an attribute whose length disagrees with its content, trailing bytes,
 * an unknown constant or element-value tag, nesting deeper than {@value #MAX_DEPTH}, a file over
 * {@value #MAX_BYTES} bytes) is an {@link IllegalStateException} naming the file, never a partial
 * answer.
 */
final class GatedDeclarations {

    /** A class file larger than this is refused unread (PluginContext's is about 2 KB). */
    static final int MAX_BYTES = 1 << 16;
    /** Annotation values nest at most this deep (an annotation in an array in an annotation ...). */
    static final int MAX_DEPTH = 32;

    static final int ACC_PUBLIC = 0x0001;
    static final int ACC_STATIC = 0x0008;

    private static final String RUNTIME_VISIBLE_ANNOTATIONS = "RuntimeVisibleAnnotations";
    private static final String SIGNATURE = "Signature";
    private static final String GATED_DESCRIPTOR = Gated.class.descriptorString();
    private static final String CAPABILITY_DESCRIPTOR = Capability.class.descriptorString();

    /**
     * One method of the class file that carries {@code @Gated}.
     *
     * @param name the method's name
     * @param descriptor its erased descriptor, for example {@code ()Ljava/util/Optional;}
     * @param access its access flags
     * @param capability the capability its {@code @Gated} names
     * @param signature its generic signature, when it has one
     */
    record Declaration(String name, String descriptor, int access, Capability capability, Optional<String> signature) {
    }

    /**
     * What was read.
     *
     * @param internalName the class's name as the class file gives it ({@code dev/stigmem/api/PluginContext})
     * @param declarations its {@code @Gated} methods, in class-file order
     */
    record ClassFile(String internalName, List<Declaration> declarations) {
    }

    private final ByteBuffer in;
    private final String file;
    /** Offset of each constant pool entry (0 for the unusable second slot of a long or double). */
    private final int[] offsets;
    private final byte[] tags;
    private final String[] utf8;

    private GatedDeclarations(byte[] bytes, String file) {
        this.in = ByteBuffer.wrap(bytes);
        this.file = file;
        if (u4() != 0xCAFEBABE) {
            throw bad("not a class file (bad magic number)");
        }
        u2(); // minor
        u2(); // major: any; javac of the build wrote it
        int count = u2();
        if (count == 0) {
            throw bad("constant pool count 0");
        }
        offsets = new int[count];
        tags = new byte[count];
        utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = u1();
            tags[i] = (byte) tag;
            offsets[i] = in.position();
            switch (tag) {
                case 1 -> skip(u2()); // Utf8
                case 3, 4 -> skip(4); // Integer, Float
                case 5, 6 -> { // Long, Double: two slots
                    skip(8);
                    if (++i >= count) {
                        throw bad("constant pool entry " + (i - 1) + " (8 bytes) runs past the pool");
                    }
                }
                case 7, 8, 16, 19, 20 -> skip(2); // Class, String, MethodType, Module, Package
                case 9, 10, 11, 12, 17, 18 -> skip(4); // refs, NameAndType, Dynamic, InvokeDynamic
                case 15 -> skip(3); // MethodHandle
                default -> throw bad("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
    }

    /**
     * Reads the {@code @Gated} methods that {@code type} itself declares, from its class file as its
     * module (or class loader) holds it.
     *
     * @throws IllegalStateException if the class file cannot be found or read, or is not as expected
     */
    static ClassFile of(Class<?> type) {
        String name = type.getName();
        String resource = name.substring(name.lastIndexOf('.') + 1).concat(".class");
        byte[] bytes;
        // A .class resource is never encapsulated, so a named module hands it out to its own code.
        try (InputStream s = type.getResourceAsStream(resource)) {
            if (s == null) {
                throw new IllegalStateException(resource + " of " + name + ": class file not found");
            }
            bytes = s.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalStateException(resource + " of " + name + ": cannot read the class file: " + e.getMessage(), e);
        }
        return of(type, bytes, resource);
    }

    /** {@link #read} of these bytes, which must be the class file of {@code type}. */
    static ClassFile of(Class<?> type, byte[] bytes, String resource) {
        ClassFile read = read(bytes, resource);
        String expected = type.getName().replace('.', '/');
        if (!read.internalName().equals(expected)) {
            throw new IllegalStateException(resource + ": declares " + read.internalName() + ", not " + expected);
        }
        return read;
    }

    /**
     * Reads the {@code @Gated} methods of a class file.
     *
     * @param file the name to give in errors
     * @throws IllegalStateException if the bytes are not a class file of the expected structure
     */
    static ClassFile read(byte[] bytes, String file) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalStateException(file + ": class file of more than " + MAX_BYTES + " bytes refused");
        }
        try {
            return new GatedDeclarations(bytes, file).classFile();
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException(file + ": truncated class file", e);
        }
    }

    private ClassFile classFile() {
        u2(); // access flags
        String internalName = className(u2());
        u2(); // super class
        skip(2 * u2()); // interfaces: the caller asks the Class, which has them resolved
        int fields = u2();
        for (int i = 0; i < fields; i++) {
            skip(6);
            skipAttributes();
        }
        int methods = u2();
        List<Declaration> declarations = new ArrayList<>();
        for (int i = 0; i < methods; i++) {
            int access = u2();
            String name = utf8(u2());
            String descriptor = utf8(u2());
            Capability capability = null;
            String signature = null;
            boolean seenAnnotations = false;
            int attributes = u2();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8(u2());
                int length = u4();
                int end = checkedEnd(length);
                if (attribute.equals(RUNTIME_VISIBLE_ANNOTATIONS)) {
                    if (seenAnnotations) {
                        throw bad("method " + name + ": two " + RUNTIME_VISIBLE_ANNOTATIONS + " attributes");
                    }
                    seenAnnotations = true;
                    capability = gatedIn(name);
                } else if (attribute.equals(SIGNATURE)) {
                    if (signature != null) {
                        throw bad("method " + name + ": two " + SIGNATURE + " attributes");
                    }
                    signature = utf8(u2());
                } else {
                    skip(length);
                }
                if (in.position() != end) {
                    throw bad("method " + name + ": attribute " + attribute + " has length " + length
                            + " but its content ends " + (in.position() - (end - length)));
                }
            }
            if (capability != null) {
                declarations.add(new Declaration(name, descriptor, access, capability, Optional.ofNullable(signature)));
            }
        }
        skipAttributes();
        if (in.hasRemaining()) {
            throw bad(in.remaining() + " bytes after the last attribute");
        }
        return new ClassFile(internalName, List.copyOf(declarations));
    }

    /** The capability of the method's {@code @Gated}, or null when the method has none. */
    private Capability gatedIn(String method) {
        Capability found = null;
        int annotations = u2();
        for (int i = 0; i < annotations; i++) {
            String type = utf8(u2());
            if (!type.equals(GATED_DESCRIPTOR)) {
                skipPairs(1);
                continue;
            }
            if (found != null) {
                throw bad("method " + method + ": @Gated twice");
            }
            if (u2() != 1 || !utf8(u2()).equals("value") || u1() != 'e') {
                throw bad("method " + method + ": @Gated must have exactly its enum value");
            }
            String enumType = utf8(u2());
            String constant = utf8(u2());
            if (!enumType.equals(CAPABILITY_DESCRIPTOR)) {
                throw bad("method " + method + ": @Gated names a constant of " + enumType + ", not of " + CAPABILITY_DESCRIPTOR);
            }
            try {
                found = Capability.valueOf(constant);
            } catch (IllegalArgumentException e) {
                throw bad("method " + method + ": @Gated names " + constant + ", which is no Capability");
            }
        }
        return found;
    }

    private void skipPairs(int depth) {
        int pairs = u2();
        for (int p = 0; p < pairs; p++) {
            utf8(u2());
            skipElementValue(depth);
        }
    }

    private void skipElementValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw bad("annotation values nested deeper than " + MAX_DEPTH);
        }
        int tag = u1();
        switch (tag) {
            case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c' -> constant(u2());
            case 'e' -> {
                utf8(u2());
                utf8(u2());
            }
            case '@' -> {
                utf8(u2());
                skipPairs(depth + 1);
            }
            case '[' -> {
                int n = u2();
                for (int i = 0; i < n; i++) {
                    skipElementValue(depth + 1);
                }
            }
            default -> throw bad("unknown annotation element tag " + tag);
        }
    }

    private void skipAttributes() {
        int attributes = u2();
        for (int a = 0; a < attributes; a++) {
            utf8(u2());
            skip(u4());
        }
    }

    private int checkedEnd(int length) {
        if (length < 0 || length > in.remaining()) {
            throw bad("attribute length " + Integer.toUnsignedString(length) + " runs past the end");
        }
        return in.position() + length;
    }

    private void constant(int index) {
        if (index <= 0 || index >= tags.length || tags[index] == 0) {
            throw bad("constant pool index " + index + " out of range");
        }
    }

    private String className(int index) {
        constant(index);
        if (tags[index] != 7) {
            throw bad("constant pool entry " + index + " is not a class");
        }
        return utf8(in.getShort(offsets[index]) & 0xFFFF);
    }

    private String utf8(int index) {
        constant(index);
        if (tags[index] != 1) {
            throw bad("constant pool entry " + index + " is not a Utf8");
        }
        String s = utf8[index];
        if (s == null) {
            s = decode(offsets[index]);
            utf8[index] = s;
        }
        return s;
    }

    /** The Utf8 entry at this offset: its u2 length then its modified UTF-8 bytes. */
    private String decode(int offset) {
        byte[] bytes = in.array();
        int length = in.getShort(offset) & 0xFFFF;
        int start = offset + 2;
        for (int i = start; i < start + length; i++) {
            if (bytes[i] <= 0) {
                // Beyond ASCII (or the two-byte NUL): modified UTF-8, which DataInputStream decodes.
                try {
                    return new DataInputStream(new ByteArrayInputStream(bytes, offset, length + 2)).readUTF();
                } catch (IOException e) {
                    throw bad("constant pool Utf8 at offset " + offset + " is malformed: " + e.getMessage());
                }
            }
        }
        return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }

    private int u1() {
        return in.get() & 0xFF;
    }

    private int u2() {
        return in.getShort() & 0xFFFF;
    }

    private int u4() {
        return in.getInt();
    }

    private void skip(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        in.position(in.position() + n);
    }

    private IllegalStateException bad(String what) {
        return new IllegalStateException(file + ": " + what);
    }
}
