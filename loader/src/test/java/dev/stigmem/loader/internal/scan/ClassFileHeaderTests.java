package dev.stigmem.loader.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanLimits;
import java.util.Optional;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The header ClassFileCheck reads on its way (the scan's first pass takes it instead of an ASM reader) is
 * what ASM reads, and the check leaves to ASM every file whose header it does not read plainly.
 */
class ClassFileHeaderTests {

    private static byte[] classFile(int version, int access, String name, String superName, String... interfaces) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(version, access, name, null, superName, interfaces);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static Optional<ClassFileCheck.Header> check(byte[] bytes) {
        return ClassFileCheck.check(bytes, ScanLimits.DEFAULT, "plugin.jar", "p/C.class");
    }

    private static void assertSameAsAsm(byte[] bytes) {
        ClassReader asm = new ClassReader(bytes);
        ClassFileCheck.Header h = check(bytes).orElseThrow();
        assertThat(h.access()).isEqualTo(asm.getAccess());
        assertThat(h.name()).isEqualTo(asm.getClassName());
        assertThat(h.superName()).isEqualTo(Optional.ofNullable(asm.getSuperName()));
        assertThat(h.interfaces()).containsExactly(asm.getInterfaces());
    }

    @Test
    void plainClassesInterfacesAndRootsReadAsAsmReadsThem() {
        assertSameAsAsm(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "p/C", "p/Base", "p/I", "java/io/Serializable"));
        assertSameAsAsm(classFile(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT
                | Opcodes.ACC_ANNOTATION, "p/A", "java/lang/Object", "java/lang/annotation/Annotation"));
        assertSameAsAsm(classFile(Opcodes.V25, Opcodes.ACC_PUBLIC, "java/lang/Object", null));
        assertThat(check(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "java/lang/Object", null)).orElseThrow().superName()).isEmpty();
    }

    @Test
    void namesBeyondAsciiModulesAndNewerVersionsAreLeftToAsm() {
        // Modified UTF-8 (ASM decodes it): only ASCII names are read by the check itself.
        assertThat(check(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/Caf\u00e9", "java/lang/Object"))).isEmpty();
        assertThat(check(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/C", "p/B\u00e4se"))).isEmpty();
        assertThat(check(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/C", "java/lang/Object", "p/\u00c9"))).isEmpty();

        ClassWriter module = new ClassWriter(0);
        module.visit(Opcodes.V17, Opcodes.ACC_MODULE, "module-info", null, null, null);
        module.visitModule("m", 0, null).visitEnd();
        module.visitEnd();
        assertThat(check(module.toByteArray())).isEmpty();

        ScanLimits newer = new ScanLimits(ScanLimits.DEFAULT.maxClasses(), ScanLimits.DEFAULT.maxClassFileBytes(),
                ScanLimits.DEFAULT.maxBootstrapDepth(), Opcodes.V25 + 1, ScanLimits.DEFAULT.maxFindings());
        byte[] v26 = classFile(Opcodes.V25 + 1, Opcodes.ACC_PUBLIC, "p/C", "java/lang/Object");
        assertThat(ClassFileCheck.check(v26, newer, "plugin.jar", "p/C.class")).isEmpty();
        assertThat(ClassFileCheck.check(classFile(Opcodes.V25, Opcodes.ACC_PUBLIC, "p/C", "java/lang/Object"), newer,
                "plugin.jar", "p/C.class")).isPresent();
    }

    @Test
    void aSuperclassThatIsNoClassConstantIsLeftToAsm() {
        byte[] bytes = classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/C", "java/lang/Object");
        // The header follows the constant pool: access, this_class, super_class. Point super_class at this_class's
        // name (a UTF-8 constant, not a class constant).
        ClassReader asm = new ClassReader(bytes);
        int header = asm.header;
        int thisClass = ((bytes[header + 2] & 0xFF) << 8) | (bytes[header + 3] & 0xFF);
        int utf8 = asm.readUnsignedShort(asm.getItem(thisClass));
        bytes[header + 4] = (byte) (utf8 >> 8);
        bytes[header + 5] = (byte) utf8;
        assertThat(check(bytes)).isEmpty();
        assertThat(check(classFile(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/C", "java/lang/Object"))).isPresent();
    }
}
