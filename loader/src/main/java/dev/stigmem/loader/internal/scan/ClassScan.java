package dev.stigmem.loader.internal.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.ModuleVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Reads one class file with ASM and reports every reference it makes: supertypes, field and method
 * descriptors, and in method bodies every type, field and method instruction, {@code invokedynamic}
 * (its bootstrap method and every bootstrap argument), {@code ldc} of types, method handles and
 * constant-dynamic (recursively, within the depth bound), {@code multianewarray} and exception types.
 * For a module descriptor, every {@code requires}. Not thread-safe: one instance per class file.
 */
final class ClassScan extends ClassVisitor {

    static final String STIGMEM_PLUGIN = Type.getDescriptor(StigmemPlugin.class);

    /** What one class file contributed. */
    record Result(List<Finding> findings, Set<Capability> used, boolean pluginEntry) {
    }

    private final ReferenceJudge judge;
    private final int jarIndex;
    private final String jar;
    private final Optional<String> entry;
    private final int maxBootstrapDepth;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<Capability> used = EnumSet.noneOf(Capability.class);
    private final BodyScan body = new BodyScan();
    private Optional<String> className = Optional.empty();
    private Optional<String> method = Optional.empty();
    private int line;
    private boolean pluginEntry;

    private ClassScan(ReferenceJudge judge, int jarIndex, String jar, String entry, int maxBootstrapDepth) {
        super(Opcodes.ASM9);
        this.judge = judge;
        this.jarIndex = jarIndex;
        this.jar = jar;
        this.entry = Optional.of(entry);
        this.maxBootstrapDepth = maxBootstrapDepth;
    }

    /**
     * Scans one class. Most classes have no finding, and debug attributes (local variable tables above
     * all) are a large part of reading a method, so the first pass skips them; only a class with
     * findings is read again with line numbers, to say where each one stands. Both passes see the
     * same instructions, so the findings are the same but for their lines.
     */
    static Result scan(ClassReader reader, ReferenceJudge judge, int jarIndex, String jar, String entry, int maxBootstrapDepth) {
        ClassScan scan = new ClassScan(judge, jarIndex, jar, entry, maxBootstrapDepth);
        reader.accept(scan, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        if (!scan.findings.isEmpty()) {
            scan = new ClassScan(judge, jarIndex, jar, entry, maxBootstrapDepth);
            reader.accept(scan, ClassReader.SKIP_FRAMES);
        }
        return new Result(List.copyOf(scan.findings), scan.used, scan.pluginEntry);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = Optional.of(name.replace('/', '.'));
        if ((access & Opcodes.ACC_MODULE) != 0) {
            return;
        }
        if (superName != null) {
            type(superName);
        }
        if (interfaces != null) {
            for (String i : interfaces) {
                type(i);
            }
        }
    }

    @Override
    public ModuleVisitor visitModule(String name, int access, String version) {
        return new ModuleVisitor(Opcodes.ASM9) {
            @Override
            public void visitRequire(String module, int requireAccess, String requireVersion) {
                if (!judge.moduleAllowed(module)) {
                    add(Severity.DENY, RuleIds.MODULE_REQUIRES, String.format(Locale.ROOT,
                            "Module %s requires %s, which is neither allowlisted nor a module of the archive", name, module),
                            module);
                }
            }
        };
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        if (descriptor.equals(STIGMEM_PLUGIN)) {
            pluginEntry = true;
        }
        return null;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        method = Optional.empty();
        line = 0;
        descriptor(descriptor);
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        method = Optional.of(name + descriptor);
        line = 0;
        descriptor(descriptor);
        if (exceptions != null) {
            for (String e : exceptions) {
                type(e);
            }
        }
        return body;
    }

    /** One reusable visitor for method bodies: ASM visits a method completely before the next. */
    private final class BodyScan extends MethodVisitor {
        BodyScan() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visitLineNumber(int lineNumber, Label start) {
            line = lineNumber;
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            type(type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            member(owner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            member(owner, name, descriptor);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            descriptor(descriptor);
            handle(bootstrap);
            for (Object a : arguments) {
                constant(a, 1);
            }
        }

        @Override
        public void visitLdcInsn(Object value) {
            constant(value, 0);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            descriptor(descriptor);
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            if (type != null) {
                type(type);
            }
        }
    }

    private void constant(Object value, int depth) {
        if (value instanceof Type t) {
            if (t.getSort() == Type.METHOD) {
                descriptor(t.getDescriptor());
            } else if (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY) {
                descriptor(t.getDescriptor());
            }
        } else if (value instanceof Handle h) {
            handle(h);
        } else if (value instanceof ConstantDynamic c) {
            if (depth >= maxBootstrapDepth) {
                // ClassFileCheck bounds this already; kept so that no input recurses without a bound.
                throw new ScanLimitException(jar + "!" + entry.orElse("") + ": constant-dynamic nests deeper than "
                        + maxBootstrapDepth);
            }
            descriptor(c.getDescriptor());
            handle(c.getBootstrapMethod());
            for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
                constant(c.getBootstrapMethodArgument(i), depth + 1);
            }
        }
    }

    private void handle(Handle h) {
        member(h.getOwner(), h.getName(), h.getDesc());
    }

    private void member(String owner, String name, String descriptor) {
        ReferenceJudge.MemberInfo m = judge.memberInfo(owner, name, descriptor);
        if (m.quiet()) {
            return;
        }
        if (m.accessor() != null) {
            Capability c = m.accessor();
            used.add(c);
            if (!judge.declares(c)) {
                add(Severity.DENY, RuleIds.CAPABILITY_ACCESSOR, String.format(Locale.ROOT,
                        "%s needs capability '%s', which the manifest does not declare", name, c.id()), m.target());
            }
        }
        if (m.rule() != null) {
            add(m.rule(), m.target());
        }
        if (m.owner() != null) {
            report(m.owner());
        }
        for (ReferenceJudge.TypeInfo t : m.types()) {
            report(t);
        }
    }

    private void descriptor(String descriptor) {
        for (ReferenceJudge.TypeInfo t : judge.descriptorInfo(descriptor)) {
            report(t);
        }
    }

    private void type(String internalName) {
        ReferenceJudge.TypeInfo t = judge.typeInfo(internalName);
        if (t != null) {
            report(t);
        }
    }

    private void report(ReferenceJudge.TypeInfo t) {
        if (t.quiet()) {
            return;
        }
        if (t.handle() != null) {
            Capability c = t.handle();
            used.add(c);
            if (!judge.declares(c)) {
                add(Severity.DENY, RuleIds.CAPABILITY_HANDLE, String.format(Locale.ROOT,
                        "%s is the handle of capability '%s', which the manifest does not declare",
                        t.dotted().substring(t.dotted().lastIndexOf('.') + 1), c.id()), t.dotted());
            }
        }
        if (t.decision() != null) {
            add(t.decision(), t.dotted());
        }
    }

    private void add(ReferenceJudge.Decision d, String target) {
        add(d.severity(), d.rule(), d.reason(), target);
    }

    private void add(Severity severity, String rule, String reason, String target) {
        findings.add(new Finding(severity, rule, reason, target, jarIndex, jar, entry, className, method,
                line > 0 ? OptionalInt.of(line) : OptionalInt.empty()));
    }
}
