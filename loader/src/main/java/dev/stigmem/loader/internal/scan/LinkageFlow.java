package dev.stigmem.loader.internal.scan;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Which instructions of a method can run, given that an instruction that resolves a class the plugin's
 * layer cannot link always fails. Such an instruction ({@code new}, {@code anewarray},
 * {@code multianewarray}, an {@code ldc} of the class, or any field or method instruction whose owner it
 * is) throws a {@link LinkageError} ({@code NoClassDefFoundError}, {@code IllegalAccessError}) every time
 * it runs: resolution fails, and a failed resolution fails again on every later attempt (JVMS 5.4.3).
 * So it has no successor but the exception handlers that can catch an error; what only it leads to never
 * runs. That is how libraries fall back when {@code sun.misc.Unsafe} is missing: {@code ldc Unsafe.class},
 * then {@code getDeclaredField("theUnsafe")}, {@code setAccessible}, {@code get} — reflection the scan
 * would otherwise count as reachable, though the layer never gets past the first instruction.
 *
 * <p>Sound by construction, an over-approximation of what runs: every other instruction falls through
 * and jumps as written, every exception handler is reachable from every live instruction it covers, and
 * from a failing one unless it catches only a JDK subclass of {@code Exception} (which an error never is;
 * a handler of an archive type, {@code Throwable} or any error counts). {@code checkcast} and
 * {@code instanceof} resolve their class only for a non-null reference, so they never count as failing;
 * neither does {@code invokedynamic}. A method with subroutines ({@code jsr}, {@code ret}; class files
 * before version 50) is left alone: all of it counts as live. The instructions are numbered as ASM visits
 * them (labels, frames and debug information aside), the same with or without debug information.
 */
final class LinkageFlow {
    private LinkageFlow() {
    }

    /**
     * The live instructions of each method of {@code methods} ({@code name + descriptor}) that has code; a method
     * with subroutines is left out (all of it is live).
     *
     * @param failsToLink whether the layer cannot link a class (an internal name or an array descriptor)
     */
    static Map<String, BitSet> live(ClassReader reader, Set<String> methods, Predicate<String> failsToLink) {
        Methods visitor = new Methods(methods, failsToLink);
        reader.accept(visitor, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        return visitor.out;
    }

    /** This class's ASM visitor classes (ClassScan links them up front: see its static initialiser). */
    static List<Class<?>> visitors() {
        return List.of(Methods.class, Flow.class);
    }

    /** Makes a {@link Flow} for each method asked about and collects their live instructions. */
    private static final class Methods extends ClassVisitor {
        private final Set<String> methods;
        private final Predicate<String> failsToLink;
        private final Map<String, BitSet> out = new HashMap<>();

        Methods(Set<String> methods, Predicate<String> failsToLink) {
            super(Opcodes.ASM9);
            this.methods = methods;
            this.failsToLink = failsToLink;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            String key = name + descriptor;
            return methods.contains(key) ? new Flow(failsToLink, key, out) : null;
        }
    }

    /** Whether a handler of this type (null: any) can catch the error of a failing resolution. */
    static boolean catchesLinkageError(String type) {
        return type == null || !JdkTypes.instance().isSubtypeOfAny(type, EXCEPTION);
    }

    private static final Set<String> EXCEPTION = Set.of("java/lang/Exception");

    /** How control leaves an instruction, besides exceptions. */
    private static final byte NEXT = 0;
    private static final byte BRANCH = 1;
    private static final byte GOTO = 2;
    private static final byte SWITCH = 3;
    private static final byte STOP = 4;
    private static final byte FAILS = 5;

    /**
     * Records a method's instructions, their successors and its handlers; at its end, {@link #live} walks
     * them and the live instructions go to {@code out} under the method's key.
     */
    private static final class Flow extends MethodVisitor {
        private final Predicate<String> failsToLink;
        private final String key;
        private final Map<String, BitSet> out;
        private byte[] kinds = new byte[64];
        /** The targets of the jumps and switches, by instruction; others have none. */
        private final Map<Integer, Label[]> targets = new HashMap<>();
        /** Each label's instruction: the one that comes next. */
        private final Map<Label, Integer> at = new IdentityHashMap<>();
        private final List<Object[]> handlers = new ArrayList<>();
        private int count;
        private boolean subroutines;

        Flow(Predicate<String> failsToLink, String key, Map<String, BitSet> out) {
            super(Opcodes.ASM9);
            this.failsToLink = failsToLink;
            this.key = key;
            this.out = out;
        }

        @Override
        public void visitEnd() {
            BitSet live = live();
            if (live != null) {
                out.put(key, live);
            }
        }

        private void add(byte kind) {
            if (count == kinds.length) {
                kinds = java.util.Arrays.copyOf(kinds, count * 2);
            }
            kinds[count++] = kind;
        }

        private void add(byte kind, Label... to) {
            targets.put(count, to);
            add(kind);
        }

        private byte failsIf(String type) {
            return type != null && failsToLink.test(type) ? FAILS : NEXT;
        }

        @Override
        public void visitLabel(Label label) {
            at.put(label, count);
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            handlers.add(new Object[] {start, end, handler, type});
        }

        @Override
        public void visitInsn(int opcode) {
            add((opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) || opcode == Opcodes.ATHROW ? STOP : NEXT);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            add(NEXT);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            if (opcode == Opcodes.RET) {
                subroutines = true;
            }
            add(NEXT);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            add(opcode == Opcodes.NEW || opcode == Opcodes.ANEWARRAY ? failsIf(type) : NEXT);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            add(failsIf(owner));
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            add(failsIf(owner));
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            add(NEXT);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (opcode == Opcodes.JSR) {
                subroutines = true;
            }
            add(opcode == Opcodes.GOTO ? GOTO : BRANCH, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            byte kind = NEXT;
            if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                kind = failsIf(t.getInternalName());
            } else if (value instanceof Type t && t.getSort() == Type.ARRAY) {
                kind = failsIf(t.getDescriptor());
            }
            add(kind);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            add(NEXT);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            add(SWITCH, switchTargets(dflt, labels));
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            add(SWITCH, switchTargets(dflt, labels));
        }

        private static Label[] switchTargets(Label dflt, Label[] labels) {
            Label[] all = java.util.Arrays.copyOf(labels, labels.length + 1);
            all[labels.length] = dflt;
            return all;
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            add(failsIf(descriptor));
        }

        /** The live instructions, or null when the method has subroutines (all of it counts as live). */
        BitSet live() {
            if (subroutines) {
                return null;
            }
            // Each handler's range, target and whether it can catch the error, resolved once.
            int n = handlers.size();
            int[] starts = new int[n];
            int[] ends = new int[n];
            int[] targetsOf = new int[n];
            boolean[] catches = new boolean[n];
            for (int h = 0; h < n; h++) {
                Object[] handler = handlers.get(h);
                starts[h] = at.getOrDefault((Label) handler[0], count);
                ends[h] = at.getOrDefault((Label) handler[1], count);
                targetsOf[h] = at.getOrDefault((Label) handler[2], count);
                catches[h] = catchesLinkageError((String) handler[3]);
            }
            BitSet live = new BitSet(count);
            int[] queue = new int[count + 1];
            int head = 0;
            int tail = 0;
            if (count > 0) {
                live.set(0);
                queue[tail++] = 0;
            }
            while (head < tail) {
                int i = queue[head++];
                byte kind = kinds[i];
                if (kind == NEXT || kind == BRANCH) {
                    tail = reach(i + 1, live, queue, tail);
                }
                if (kind == BRANCH || kind == GOTO || kind == SWITCH) {
                    for (Label l : targets.get(i)) {
                        tail = reach(at.getOrDefault(l, count), live, queue, tail);
                    }
                }
                for (int h = 0; h < n; h++) {
                    if (starts[h] <= i && i < ends[h] && (kind != FAILS || catches[h])) {
                        tail = reach(targetsOf[h], live, queue, tail);
                    }
                }
            }
            return live;
        }

        private int reach(int i, BitSet live, int[] queue, int tail) {
            if (i < count && !live.get(i)) {
                live.set(i);
                queue[tail++] = i;
            }
            return tail;
        }
    }
}
