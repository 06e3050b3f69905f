package dev.stigmem.loader.internal.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.Severity;
import java.lang.invoke.MethodHandles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *
 * <p>Dynamic linkage fails closed: the bootstrap method of every {@code invokedynamic} and of every
 * constant-dynamic (nested ones inside bootstrap arguments too) must be one the policy allows
 * ({@code allow-bootstrap}), else the reference is denied ({@link RuleIds#LINKAGE_BOOTSTRAP}). An allowed
 * bootstrap's own descriptor is not judged (it names {@code MethodHandles.Lookup}, which the JVM passes
 * to every bootstrap); its arguments are, as any reference.
 *
 * <p>A system property read whose key is a string constant pushed by the instruction right before
 * the call (for the two-argument forms: the key, then a constant default), with no jump into that
 * sequence, and whose key the policy allows ({@code allow-property}), reports nothing: the key is
 * known and harmless. Any other read stays denied.
 */
final class ClassScan extends ClassVisitor {

    static final String STIGMEM_PLUGIN = Type.getDescriptor(StigmemPlugin.class);

    /**
     * The ASM visitor classes a scan uses, made ready (linked) when this class is, before any class file is
     * read. The JIT compiles ASM's reader ({@code ClassReader.readCode} alone is 5 KB of bytecode) against
     * the visitor classes linked at the time, binding the calls that only one of them overrides; a visitor
     * class linked later (LinkageFlow's, on the first class with an instruction that always fails to link,
     * mid-scan) threw that compiled code away, for a short run to interpret and compile it again.
     */
    static {
        List<Class<?>> visitors = new ArrayList<>(List.of(BodyScan.class, LinkageFilter.class, JdkTypes.OverridableMethods.class));
        visitors.addAll(LinkageFlow.visitors());
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> v : visitors) {
            try {
                // Initialising links the class; none of them has static state.
                lookup.ensureInitialized(v);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("the scanner cannot prepare its own class " + v.getName(), e);
            }
        }
    }

    /** What one class file contributed. */
    record Result(List<Finding> findings, Set<Capability> used, boolean pluginEntry, CallGraph.ClassCalls calls) {
    }

    /**
     * The findings of one archive's scan, counted across its classes as they are found; past the
     * limit no more are kept (the scan is then refused), so the findings held stay within it.
     * Thread-safe.
     */
    static final class FindingCount {
        private final int max;
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        FindingCount(int max) {
            this.max = max;
        }

        /** Counts one more distinct finding; whether it is still within the limit (if not, it is not kept). */
        boolean admit() {
            return count.incrementAndGet() <= max;
        }

        /** Whether the archive has more findings than the limit: it is refused, whichever classes were scanned first. */
        boolean exceeded() {
            return count.get() > max;
        }
    }

    private final ReferenceJudge judge;
    private final int jarIndex;
    private final String jar;
    private final Optional<String> entry;
    private final int maxBootstrapDepth;
    /** Null in the first pass, which only asks whether there is any finding. */
    private final FindingCount count;
    /** One finding per rule, target and method: the first line kept, the occurrences counted. */
    private final Map<FindingKey, Finding> findings = new java.util.LinkedHashMap<>();

    private record FindingKey(Severity severity, String rule, String target, Optional<String> method) {
        /** Written out rather than generated: see {@code ReferenceJudge.MemberKey}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof FindingKey k && severity == k.severity && rule.equals(k.rule) && target.equals(k.target)
                    && method.equals(k.method);
        }

        @Override
        public int hashCode() {
            return ((severity.hashCode() * 31 + rule.hashCode()) * 31 + target.hashCode()) * 31 + method.hashCode();
        }
    }
    private boolean anyFinding;
    /** The methods ({@code name + descriptor}) with a finding (first pass): the second pass reads only these. */
    private final Set<String> findingMethods = new HashSet<>();
    /** In the second pass, the methods to read (the first pass's {@link #findingMethods}); null: all. */
    private final Set<String> onlyMethods;
    /** Why a finding in an instruction that never runs is INFO. */
    static final String NEVER_RUNS = "never runs: only an instruction that resolves a class the layer cannot link"
            + " (reference.unlinkable), which always fails, leads here";
    private final Set<Capability> used = EnumSet.noneOf(Capability.class);
    private final BodyScan body = new BodyScan();
    private Optional<String> className = Optional.empty();
    /**
     * The member being read ({@code name + descriptor}, for a method), built only when a finding or
     * {@link LinkageFlow} needs it: most methods have neither, and joining the two strings for every
     * method of a large library was a measurable part of a short scan. Empty outside a method.
     */
    private Optional<String> method = Optional.empty();
    /** The method being read, whose {@link #method} is not built yet; null when it is (or outside a method). */
    private String methodName;
    private String methodDescriptor;
    private Optional<String> sourceFile = Optional.empty();
    private int line;
    private boolean pluginEntry;
    /** Records the call graph in the first pass; null in the second (and when reachability is off). */
    private final CallGraph.Recorder recorder;
    /** {@link #recorder}, but null while a {@link LinkageFilter} passes on an instruction that never runs. */
    private CallGraph.Recorder calls;
    /** The live instructions of the methods with an instruction that always fails to link ({@link LinkageFlow}). */
    private final Map<String, java.util.BitSet> live;
    /** The methods with an instruction that always fails to link (first pass); null until one has. */
    private Set<String> failing;
    /** Whether the instruction being scanned never runs: its findings are INFO, its calls no edges. */
    private boolean neverRuns;

    private ClassScan(ReferenceJudge judge, int jarIndex, String jar, String entry, int maxBootstrapDepth, FindingCount count,
                      CallGraph.Recorder calls, Map<String, java.util.BitSet> live, Set<String> onlyMethods) {
        super(Opcodes.ASM9);
        this.count = count;
        this.onlyMethods = onlyMethods;
        this.recorder = calls;
        this.calls = calls;
        this.live = live;
        this.judge = judge;
        this.jarIndex = jarIndex;
        this.jar = jar;
        this.entry = Optional.of(entry);
        this.maxBootstrapDepth = maxBootstrapDepth;
    }

    /**
     * Scans one class. Most classes have no finding, and debug attributes (local variable tables above
     * all) are a large part of reading a method, so the first pass skips them; only a class with
     * findings is read again with line numbers, to say where each one stands, and in it only the
     * methods with findings (the first pass names them), and its fields and class-level attributes.
     * Both passes see the same instructions, so the findings are the same but for their lines, and
     * what the class uses is the first pass's.
     */
    static Result scan(ClassReader reader, ReferenceJudge judge, int jarIndex, String jar, String entry, int maxBootstrapDepth,
                       FindingCount count, CallGraph.Recorders recorders) {
        CallGraph.Recorder calls = recorders == null ? null : recorders.take();
        ClassScan scan = new ClassScan(judge, jarIndex, jar, entry, maxBootstrapDepth, null, calls, Map.of(), null);
        reader.accept(scan, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        Map<String, java.util.BitSet> live = Map.of();
        if (scan.failing != null) {
            // Rare (a class with an instruction that always fails to link): read again, what never runs apart.
            live = LinkageFlow.live(reader, scan.failing, name -> failsToLink(judge, name));
            if (!live.isEmpty()) {
                if (calls != null) {
                    recorders.give(calls);
                    calls = recorders.take();
                }
                scan = new ClassScan(judge, jarIndex, jar, entry, maxBootstrapDepth, null, calls, live, null);
                reader.accept(scan, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
            }
        }
        // Also past the findings limit (nothing more is kept then): the second pass reads the debug
        // attributes of the methods with findings, which may be what makes a class unreadable, and that
        // must not depend on which classes were scanned first (it depends on the class alone).
        List<Finding> findings;
        if (scan.anyFinding) {
            ClassScan second = new ClassScan(judge, jarIndex, jar, entry, maxBootstrapDepth, count, null, live, scan.findingMethods);
            reader.accept(second, ClassReader.SKIP_FRAMES);
            findings = second.withSourceFile();
        } else {
            findings = scan.withSourceFile();
        }
        CallGraph.ClassCalls recorded = null;
        if (calls != null) {
            recorded = calls.finish();
            recorders.give(calls);
        }
        return new Result(findings, scan.used, scan.pluginEntry, recorded);
    }

    /** Whether the plugin's layer cannot link this class (an internal name or array descriptor): resolving it always fails. */
    static boolean failsToLink(ReferenceJudge judge, String name) {
        return failsToLink(judge, judge.typeInfo(name));
    }

    private static boolean failsToLink(ReferenceJudge judge, ReferenceJudge.TypeInfo t) {
        return t != null && t.decision() != null && t.decision().rule().equals(RuleIds.REFERENCE_UNLINKABLE)
                && judge.failsEverywhere(t.dotted());
    }

    /** The current method has an instruction that resolves a class the layer cannot link ({@link LinkageFlow}). */
    private void failsToLinkHere(String name) {
        failsToLinkHere(judge.typeInfo(name));
    }

    private void failsToLinkHere(ReferenceJudge.TypeInfo t) {
        if (failsToLink(judge, t) && live.isEmpty() && method().isPresent()) {
            if (failing == null) {
                failing = new HashSet<>();
            }
            failing.add(method().get());
        }
    }

    /**
     * The class file's {@code SourceFile} attribute (second pass only: it is debug information).
     * Kept only when it is a plain file name: it comes from the archive and becomes part of a path.
     */
    @Override
    public void visitSource(String source, String debug) {
        if (source != null && plainFileName(source)) {
            sourceFile = Optional.of(source);
        }
    }

    /** The findings, each with the class's source file: those of {@link #visit} came before {@link #visitSource} told it. */
    private List<Finding> withSourceFile() {
        if (sourceFile.isEmpty()) {
            return List.copyOf(findings.values());
        }
        // A loop, not a stream: per class with findings, code a short run would interpret for each.
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings.values()) {
            out.add(f.sourceFile().isPresent() ? f : f.withSourceFile(sourceFile));
        }
        return List.copyOf(out);
    }

    /**
     * Whether a {@code SourceFile} attribute is a plain file name: 1 to 255 of {@code A-Z a-z 0-9 _ $ . -},
     * not starting with {@code .} or {@code -} (the regular expression
     * {@code [A-Za-z0-9_$][A-Za-z0-9_$.-]{0,254}}, as a loop: a short run would interpret the regex engine).
     */
    static boolean plainFileName(String source) {
        int n = source.length();
        if (n == 0 || n > 255) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = source.charAt(i);
            boolean word = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
            if (!word && (i == 0 || (c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
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
                if (!judge.moduleAllowed(module) && (requireAccess & Opcodes.ACC_STATIC_PHASE) != 0) {
                    // Optional at run time: the layer drops this requires before resolution (PluginLayers#define),
                    // so the layer creates no edge to the module, whether or not the host has it.
                    add(Severity.INFO, RuleIds.MODULE_REQUIRES_STATIC, String.format(Locale.ROOT,
                            "Module %s requires static %s, which is neither allowlisted nor a module of the archive: accepted,"
                                    + " the layer resolves without it and creates no edge to it (its classes fail with"
                                    + " NoClassDefFoundError if reached)", name, module), module);
                } else if (!judge.moduleAllowed(module)) {
                    add(Severity.DENY, RuleIds.MODULE_REQUIRES, String.format(Locale.ROOT,
                            "Module %s requires %s, which is neither allowlisted nor a module of the archive", name, module),
                            module);
                }
            }

            @Override
            public void visitProvide(String service, String... providers) {
                if (calls != null) {
                    for (String p : providers) {
                        calls.provide(p);
                    }
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
        methodName = null;
        line = 0;
        if (calls != null) {
            calls.field(access, name, descriptor, value);
        }
        descriptor(descriptor);
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if (onlyMethods != null && !onlyMethods.contains(name + descriptor)) {
            // No finding here in the first pass, so none now: ASM skips the method's code and its debug attributes.
            method = Optional.empty();
            methodName = null;
            return null;
        }
        method = Optional.empty();
        methodName = name;
        methodDescriptor = descriptor;
        line = 0;
        ReferenceJudge.Descriptor judged = judge.descriptor(descriptor);
        if (calls != null) {
            // The judge's instance of the descriptor, which the call graph's signature table compares by identity.
            calls.method(access, name, judged.text());
        }
        for (ReferenceJudge.TypeInfo t : judged.types()) {
            report(t);
        }
        if (exceptions != null) {
            for (String e : exceptions) {
                // A throws clause is not resolved by the JVM: judged, but no access to check.
                ReferenceJudge.TypeInfo t = judge.typeInfo(e);
                if (t != null) {
                    report(t);
                }
            }
        }
        body.reset();
        java.util.BitSet liveHere = live.isEmpty() ? null : live.get(method().get());
        return liveHere == null ? body : new LinkageFilter(liveHere);
    }

    /** {@link #method}, built the first time it is asked for in a method. */
    private Optional<String> method() {
        if (methodName != null) {
            method = Optional.of(methodName + methodDescriptor);
            methodName = null;
            methodDescriptor = null;
        }
        return method;
    }

    /**
     * Passes a method's events on to {@link #body}, telling it which instructions never run
     * ({@link LinkageFlow}): those are still judged, as INFO, and record no call.
     */
    private final class LinkageFilter extends MethodVisitor {
        private final java.util.BitSet liveHere;
        private int instruction;

        LinkageFilter(java.util.BitSet liveHere) {
            super(Opcodes.ASM9, body);
            this.liveHere = liveHere;
        }

        private void instruction() {
            neverRuns = !liveHere.get(instruction++);
            calls = neverRuns ? null : recorder;
        }

        private void other() {
            neverRuns = false;
            calls = recorder;
        }

        @Override
        public void visitLabel(Label label) {
            other();
            super.visitLabel(label);
        }

        @Override
        public void visitLineNumber(int lineNumber, Label start) {
            other();
            super.visitLineNumber(lineNumber, start);
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            other();
            super.visitTryCatchBlock(start, end, handler, type);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            other();
            super.visitMaxs(maxStack, maxLocals);
        }

        @Override
        public void visitEnd() {
            other();
            super.visitEnd();
        }

        @Override
        public void visitInsn(int opcode) {
            instruction();
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            instruction();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            instruction();
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            instruction();
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            instruction();
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            instruction();
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            instruction();
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            instruction();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            instruction();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            instruction();
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            instruction();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            instruction();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            instruction();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }
    }

    /**
     * The static methods that read a system property by a key passed as their first argument, with the
     * number of arguments each takes; a read with a constant, allowed key reports nothing.
     */
    private static final Map<String, Integer> PROPERTY_READS = Map.of(
            "java/lang/System#getProperty(Ljava/lang/String;)Ljava/lang/String;", 1,
            "java/lang/System#getProperty(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", 2,
            "java/lang/Integer#getInteger(Ljava/lang/String;)Ljava/lang/Integer;", 1,
            "java/lang/Integer#getInteger(Ljava/lang/String;I)Ljava/lang/Integer;", 2,
            "java/lang/Long#getLong(Ljava/lang/String;)Ljava/lang/Long;", 1,
            "java/lang/Long#getLong(Ljava/lang/String;J)Ljava/lang/Long;", 2,
            "java/lang/Boolean#getBoolean(Ljava/lang/String;)Z", 1);

    /**
     * The owners of the {@link #PROPERTY_READS} methods: a read-only HashSet, looked up for every static call and
     * mostly missing (see CallGraph#SERIALIZER_NAMES).
     */
    private static final Set<String> PROPERTY_READ_OWNERS;

    static {
        Set<String> owners = new java.util.HashSet<>();
        for (String key : PROPERTY_READS.keySet()) {
            owners.add(key.substring(0, key.indexOf('#')));
        }
        PROPERTY_READ_OWNERS = java.util.Collections.unmodifiableSet(owners);
    }

    /** The window holds at most a key, a default and a label after each (one label per code offset). */
    private static final int WINDOW = 6;
    /** Stands for {@code aconst_null} in the window. */
    private static final Object NULL = new Object();

    /** A property read with an allowed constant key whose sequence holds a label: decided at the method's end. */
    private record PendingRead(String owner, String name, String desc, int line, List<Label> labels) {
    }

    /** One reusable visitor for method bodies: ASM visits a method completely before the next. */
    private final class BodyScan extends MethodVisitor {
        /**
         * The constants pushed by the instructions right before the current one (no other instruction in
         * between), and the labels among them, oldest first; bounded.
         */
        private final ArrayDeque<Object> window = new ArrayDeque<>();
        /** Where control can arrive other than from the instruction before: jump and switch targets, handlers. */
        private final Set<Label> targets = new HashSet<>();
        private final List<PendingRead> pending = new ArrayList<>();

        BodyScan() {
            super(Opcodes.ASM9);
        }

        void reset() {
            window.clear();
            targets.clear();
            pending.clear();
        }

        private void push(Object constant) {
            window.addLast(constant);
            while (window.size() > WINDOW) {
                window.removeFirst();
            }
        }

        @Override
        public void visitLabel(Label label) {
            if (calls != null) {
                calls.flow();
            }
            // A label before the first constant of a sequence does not matter; one inside it might be a target.
            if (!window.isEmpty()) {
                push(label);
            }
        }

        @Override
        public void visitLineNumber(int lineNumber, Label start) {
            line = lineNumber;
        }

        @Override
        public void visitInsn(int opcode) {
            if (calls != null) {
                calls.insn(opcode);
            }
            switch (opcode) {
                case Opcodes.ACONST_NULL -> push(NULL);
                case Opcodes.ICONST_M1, Opcodes.ICONST_0, Opcodes.ICONST_1, Opcodes.ICONST_2, Opcodes.ICONST_3,
                        Opcodes.ICONST_4, Opcodes.ICONST_5 -> push(opcode - Opcodes.ICONST_0);
                case Opcodes.LCONST_0, Opcodes.LCONST_1 -> push((long) (opcode - Opcodes.LCONST_0));
                default -> window.clear();
            }
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            if (calls != null) {
                calls.intInsn(opcode);
            }
            if (opcode == Opcodes.BIPUSH || opcode == Opcodes.SIPUSH) {
                push(operand);
            } else {
                window.clear();
            }
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            if (calls != null) {
                calls.varInsn(opcode);
            }
            window.clear();
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            window.clear();
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (calls != null) {
                calls.flow();
            }
            targets.add(label);
            window.clear();
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (calls != null) {
                calls.flow();
            }
            targets.add(dflt);
            targets.addAll(List.of(labels));
            window.clear();
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (calls != null) {
                calls.flow();
            }
            targets.add(dflt);
            targets.addAll(List.of(labels));
            window.clear();
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            window.clear();
            // One lookup of the judged type serves the judge, the linkage check and the call graph (its type index).
            ReferenceJudge.TypeInfo t = judge.typeInfo(type);
            if (calls != null) {
                int callType = t == null ? -1 : t.callType();
                if (opcode == Opcodes.NEW) {
                    calls.init(callType);
                } else if (opcode == Opcodes.ANEWARRAY) {
                    // An array's class hands out its element's class (getComponentType) without initialising it.
                    calls.classObject(callType);
                }
                calls.typeInsn(opcode, type);
            }
            if (opcode == Opcodes.INSTANCEOF || opcode == Opcodes.CHECKCAST) {
                testedType(t);
            } else {
                type(t);
                failsToLinkHere(t);
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            window.clear();
            ReferenceJudge.MemberInfo m = judge.memberInfo(owner, name, descriptor);
            if (calls != null) {
                if (opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC) {
                    calls.init(m.callType());
                }
                calls.fieldInsn(opcode, owner, name, descriptor);
            }
            failsToLinkHere(m.owner());
            member(m, name);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            ReferenceJudge.MemberInfo m = judge.memberInfo(owner, name, descriptor);
            if (calls != null) {
                calls.call(opcode, owner, name, descriptor, m.callType(), m.callSig());
            }
            failsToLinkHere(m.owner());
            // A read that never runs is judged as any call (INFO), not kept for the method's end.
            if (opcode == Opcodes.INVOKESTATIC && !neverRuns && propertyRead(owner, name, descriptor)) {
                window.clear();
                return;
            }
            window.clear();
            member(m, name);
        }

        /**
         * Whether this call reads a system property by an allowed constant key; when labels stand inside
         * its sequence, the call is decided at the method's end, when every jump target is known.
         */
        private boolean propertyRead(String owner, String name, String descriptor) {
            // Every key of PROPERTY_READS has one of these owners: no key string built for other static calls.
            if (!PROPERTY_READ_OWNERS.contains(owner)) {
                return false;
            }
            Integer arity = PROPERTY_READS.get(owner + '#' + name + descriptor);
            if (arity == null) {
                return false;
            }
            List<Label> labels = new ArrayList<>(2);
            Object key = null;
            int constants = 0;
            var it = window.descendingIterator();
            while (constants < arity && it.hasNext()) {
                Object o = it.next();
                if (o instanceof Label l) {
                    labels.add(l);
                } else {
                    constants++;
                    key = o;
                }
            }
            if (constants < arity || !(key instanceof String k) || !judge.propertyAllowed(k)) {
                return false;
            }
            if (!labels.isEmpty()) {
                pending.add(new PendingRead(owner, name, descriptor, line, List.copyOf(labels)));
            }
            return true;
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            window.clear();
            if (calls != null) {
                calls.invokeDynamic(descriptor, bootstrap, arguments);
            }
            descriptor(descriptor);
            bootstrap(bootstrap);
            // The classes a bootstrap receives: only the lambda and string concatenation factories are known
            // to hand none of them to anything but the class they spin (SwitchBootstraps resolves enum labels).
            boolean values = !bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory")
                    && !bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory");
            if (calls != null && values) {
                calls.classObjects(descriptor);
            }
            for (Object a : arguments) {
                constant(a, 1, values);
            }
        }

        @Override
        public void visitLdcInsn(Object value) {
            if (calls != null) {
                calls.ldc(value);
            }
            if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                failsToLinkHere(t.getInternalName());
            } else if (value instanceof Type t && t.getSort() == Type.ARRAY) {
                failsToLinkHere(t.getDescriptor());
            }
            push(value);
            constant(value, 0, true);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            window.clear();
            if (calls != null) {
                calls.multiANewArray(numDimensions);
            }
            if (calls != null) {
                calls.classObject(descriptor);
            }
            failsToLinkHere(descriptor);
            descriptor(descriptor);
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            targets.add(handler);
            if (type != null) {
                type(type);
            }
        }

        @Override
        public void visitEnd() {
            int at = line;
            for (PendingRead r : pending) {
                if (r.labels().stream().anyMatch(targets::contains)) {
                    // Control can reach the call with another key on the stack: an ordinary, denied read.
                    line = r.line();
                    member(r.owner(), r.name(), r.desc());
                }
            }
            line = at;
            reset();
        }
    }

    /**
     * A constant of an {@code ldc}, of an {@code invokedynamic} or of a constant-dynamic. {@code value}:
     * whether the code gets it as a value (an {@code ldc}, a constant-dynamic's arguments, a bootstrap
     * that may hand them on), whose classes ({@code Class} objects, a method type's or handle's
     * {@code type()}) the call graph records.
     */
    private void constant(Object value, int depth, boolean asValue) {
        if (calls != null && asValue) {
            if (value instanceof Type t) {
                calls.classObjects(t.getDescriptor());
            } else if (value instanceof Handle h) {
                calls.classObject(h.getOwner());
                calls.classObjects(h.getDesc());
            } else if (value instanceof ConstantDynamic c) {
                calls.classObjects(c.getDescriptor());
            }
        }
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
            bootstrap(c.getBootstrapMethod());
            for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
                constant(c.getBootstrapMethodArgument(i), depth + 1, true);
            }
        }
    }

    private void handle(Handle h) {
        if (calls != null) {
            calls.handle(h);
        }
        member(h.getOwner(), h.getName(), h.getDesc());
    }

    /**
     * The bootstrap method of an {@code invokedynamic} or a constant-dynamic: an allowed one is judged
     * as a member without its descriptor's types; any other is denied, and judged as any handle.
     */
    private void bootstrap(Handle h) {
        if (calls != null) {
            // The JVM runs a bootstrap method of the archive when it links the call site.
            calls.handle(h);
        }
        if (judge.bootstrapAllowed(h.getTag(), h.getOwner(), h.getName(), h.getDesc())) {
            member(judge.allowedBootstrapInfo(h.getOwner(), h.getName(), h.getDesc()), h.getName());
            return;
        }
        add(Severity.DENY, RuleIds.LINKAGE_BOOTSTRAP, judge.bootstrapReason(),
                h.getOwner().replace('/', '.') + '#' + h.getName() + h.getDesc());
        handle(h);
    }

    private void member(String owner, String name, String descriptor) {
        member(judge.memberInfo(owner, name, descriptor), name);
    }

    private void member(ReferenceJudge.MemberInfo m, String name) {
        if (m.owner() != null) {
            accessed(m.owner());
        }
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
        for (ReferenceJudge.TypeInfo t : judge.descriptor(descriptor).types()) {
            report(t);
        }
    }

    private void type(String internalName) {
        type(judge.typeInfo(internalName));
    }

    /** {@link #type(String)} of a type judged already ({@code null} for a primitive array). */
    private void type(ReferenceJudge.TypeInfo t) {
        if (t != null) {
            accessed(t);
            report(t);
        }
    }

    /**
     * A type only tested or cast to ({@code instanceof}, {@code checkcast}): by itself this does
     * nothing with the type. Using an object of it needs a reference to one of its members or a
     * constructor, or passing it to a JDK member whose descriptor names it, and each of those is
     * judged on its own; so a JDK-policy class or package rule hit here is INFO, not DENY (a JSON
     * library's {@code equals} testing {@code instanceof File} is the common case). Capability
     * handles stay absolute, and a class the policy does not let plugins name at all
     * ({@link RuleIds#REFERENCE_NOT_ALLOWED}) stays refused.
     */
    private void testedType(ReferenceJudge.TypeInfo t) {
        if (t != null) {
            accessed(t);
        }
        if (t == null || t.quiet()) {
            return;
        }
        ReferenceJudge.Decision d = t.decision();
        if (d != null && d.severity() == Severity.DENY && !d.rule().equals(RuleIds.REFERENCE_NOT_ALLOWED)) {
            report(new ReferenceJudge.TypeInfo(t.dotted(), t.handle(), null, false, t.named(), t.callType()));
            add(Severity.INFO, d.rule(), "only tested or cast to (instanceof, checkcast), which does nothing with it; any member"
                    + " reference, construction or JDK call taking it is judged on its own. " + d.reason(), t.dotted());
        } else {
            report(t);
        }
    }

    /**
     * A class the code accesses itself (a member's owner, {@code new}, a cast, a class literal): the
     * JVM checks that its package is exported to this module, unlike the types a descriptor names.
     */
    private void accessed(ReferenceJudge.TypeInfo t) {
        java.util.Optional<String> hidden = judge.notExportedTo(t.dotted(), jarIndex);
        if (hidden.isPresent()) {
            add(Severity.WARN, RuleIds.REFERENCE_UNLINKABLE, "The plugin's layer cannot link it (" + hidden.get()
                    + "); it fails with IllegalAccessError at run time if reached", t.dotted());
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

    /**
     * A finding: in the first pass only noted; in the second kept once per rule, target and method
     * (a method repeats the same reference as often as it likes: the first line is kept and the
     * occurrences counted) and counted against the archive's limit, past which none is kept.
     */
    private void add(Severity severity, String rule, String reason, String target) {
        anyFinding = true;
        Optional<String> method = method();
        if (count == null) {
            method.ifPresent(findingMethods::add);
            return;
        }
        if (count.exceeded()) {
            return;
        }
        // Only a class read through a LinkageFilter (live non-empty) has instructions that never run.
        if (!live.isEmpty() && severity != Severity.INFO && !BytecodeScanner.ABSOLUTE.contains(rule)) {
            // One finding per rule, target and method: an occurrence that never runs beside one that runs
            // is one more of the latter, and only a method's occurrences that never run make it INFO.
            FindingKey runs = new FindingKey(severity, rule, target, method);
            FindingKey never = new FindingKey(Severity.INFO, rule, target, method);
            if (neverRuns && !findings.containsKey(runs)) {
                severity = Severity.INFO;
                reason = reason + "; " + NEVER_RUNS;
            } else if (!neverRuns && findings.containsKey(never) && findings.get(never).reason().endsWith(NEVER_RUNS)) {
                findings.remove(never);
            }
        }
        OptionalInt at = line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
        FindingKey key = new FindingKey(severity, rule, target, method);
        Finding known = findings.get(key);
        if (known != null) {
            OptionalInt first = known.line().isEmpty() || (at.isPresent() && at.getAsInt() < known.line().getAsInt()) ? at : known.line();
            findings.put(key, new Finding(severity, rule, known.reason(), target, jarIndex, jar, entry, className, method, first,
                    sourceFile, List.of(), known.occurrences() + 1));
            return;
        }
        if (count.admit()) {
            findings.put(key, new Finding(severity, rule, reason, target, jarIndex, jar, entry, className, method, at, sourceFile));
        }
    }
}
