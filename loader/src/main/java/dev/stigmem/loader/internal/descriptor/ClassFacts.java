package dev.stigmem.loader.internal.descriptor;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the loader needs to know about one class file, read with ASM and never loaded: its name,
 * supertypes, access flags and the raw values of its {@code @StigmemPlugin} annotation.
 *
 * @param internalName     the class's internal name ({@code a/b/C})
 * @param access           class access flags
 * @param superName        internal name of the superclass, empty for {@code java/lang/Object} and modules
 * @param interfaces       internal names of the directly implemented interfaces
 * @param hasProviderMethod whether it declares {@code public static provider()} (a service provider factory)
 * @param manifest         the annotation's element values when present: strings, or lists of strings
 *                         for array elements; any other value type is kept as its class name so
 *                         validation can name it
 * @param manifestCount    how many {@code @StigmemPlugin} annotations the class file carries
 */
public record ClassFacts(String internalName, int access, Optional<String> superName, List<String> interfaces,
                         boolean hasProviderMethod, Optional<Map<String, Object>> manifest, int manifestCount) {

    static final String MANIFEST_DESCRIPTOR = "Ldev/stigmem/api/StigmemPlugin;";

    /**
     * Reads a class file.
     *
     * @throws IllegalArgumentException when ASM cannot parse it (malformed, truncated or too new)
     */
    public static ClassFacts read(byte[] classFile) {
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a readable class file: " + e.getMessage(), e);
        }
        Collector c = new Collector();
        try {
            reader.accept(c, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a readable class file: " + e, e);
        }
        return new ClassFacts(c.name, c.access, Optional.ofNullable(c.superName),
                List.copyOf(c.interfaces), c.provider,
                Optional.ofNullable(c.values).map(Collections::unmodifiableMap), c.manifests);
    }

    public boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    public boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }

    public boolean isPublic() {
        return (access & Opcodes.ACC_PUBLIC) != 0;
    }

    private static final class Collector extends ClassVisitor {
        String name;
        int access;
        String superName;
        List<String> interfaces = List.of();
        boolean provider;
        Map<String, Object> values;
        int manifests;

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.name = name;
            this.access = access;
            this.superName = superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (!MANIFEST_DESCRIPTOR.equals(descriptor)) {
                return null;
            }
            manifests++;
            Map<String, Object> collected = new LinkedHashMap<>();
            values = collected;
            return new AnnotationVisitor(Opcodes.ASM9) {
                @Override
                public void visit(String element, Object value) {
                    collected.put(element, value instanceof String ? value : value.getClass().getSimpleName());
                }

                @Override
                public AnnotationVisitor visitArray(String element) {
                    List<Object> list = new ArrayList<>();
                    collected.put(element, list);
                    return new AnnotationVisitor(Opcodes.ASM9) {
                        @Override
                        public void visit(String ignored, Object value) {
                            list.add(value instanceof String ? value : value.getClass().getSimpleName());
                        }
                    };
                }

                @Override
                public void visitEnum(String element, String descriptor, String value) {
                    collected.put(element, "enum");
                }

                @Override
                public AnnotationVisitor visitAnnotation(String element, String descriptor) {
                    collected.put(element, "annotation");
                    return null;
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            if ("provider".equals(name) && descriptor.startsWith("()") && (access & Opcodes.ACC_STATIC) != 0
                    && (access & Opcodes.ACC_PUBLIC) != 0) {
                provider = true;
            }
            return null;
        }
    }
}
