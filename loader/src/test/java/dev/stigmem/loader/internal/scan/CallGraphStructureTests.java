package dev.stigmem.loader.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The call graph's inner structures against the plain definitions they stand for: the ancestors walked
 * with int arrays, the bit sets of related types (within their bounds and past them), the per-class
 * identity caches of the recorder. The scans' own tests ({@link ReachabilityScanTests}, ...) check what
 * they decide; these check that the faster ways answer as the plain ones on every pair of a hierarchy.
 */
class CallGraphStructureTests {

    /**
     * A generated hierarchy: classes extending earlier classes or Object, interfaces extending earlier
     * interfaces, classes implementing interfaces unrelated to their superclass (where a subtype inherits
     * an implementation from an unrelated superclass), JDK supertypes, and two classes that extend each
     * other (a cycle, which a hostile class file can state).
     */
    private static List<CallGraph.ArchiveType> hierarchy(long seed) {
        Random random = new Random(seed);
        List<CallGraph.ArchiveType> types = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        List<String> interfaces = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            boolean isInterface = random.nextInt(3) == 0;
            String name = "p/T" + i;
            List<String> supers = new ArrayList<>();
            for (int k = random.nextInt(3); k > 0; k--) {
                supers.add(interfaces.isEmpty() || random.nextInt(5) == 0 ? "java/io/Serializable"
                        : interfaces.get(random.nextInt(interfaces.size())));
            }
            String superclass = isInterface ? "java/lang/Object"
                    : classes.isEmpty() || random.nextInt(4) == 0 ? "java/lang/Object" : classes.get(random.nextInt(classes.size()));
            types.add(new CallGraph.ArchiveType(name, isInterface, superclass, List.copyOf(supers)));
            (isInterface ? interfaces : classes).add(name);
        }
        types.add(new CallGraph.ArchiveType("p/CycleA", false, "p/CycleB", List.of()));
        types.add(new CallGraph.ArchiveType("p/CycleB", false, "p/CycleA", List.of("p/T1")));
        types.add(new CallGraph.ArchiveType("p/Bundle", false, "java/util/ListResourceBundle", List.of()));
        return types;
    }

    private static Map<String, Integer> index(List<CallGraph.ArchiveType> types) {
        Map<String, Integer> index = new HashMap<>();
        for (int t = 0; t < types.size(); t++) {
            index.put(types.get(t).name(), t);
        }
        return index;
    }

    private static CallGraph.Hierarchy build(List<CallGraph.ArchiveType> types) {
        return new CallGraph.Hierarchy(types, index(types), JdkTypes.instance(), new CallGraph.Budget(Long.MAX_VALUE, "test"),
                new CallGraph.Sigs());
    }

    /** Archive ancestors by the definition: itself and, transitively, its superclass's and interfaces'. */
    private static int[] ancestors(List<CallGraph.ArchiveType> types, Map<String, Integer> index, int t) {
        TreeSet<Integer> out = new TreeSet<>();
        List<Integer> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            int a = todo.remove(todo.size() - 1);
            if (out.add(a)) {
                List<String> direct = new ArrayList<>(types.get(a).interfaces());
                direct.add(types.get(a).superclass());
                for (String d : direct) {
                    if (index.containsKey(d)) {
                        todo.add(index.get(d));
                    }
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void ancestorsAreEachTypesArchiveSupertypesThroughCyclesToo() {
        for (long seed = 1; seed <= 5; seed++) {
            List<CallGraph.ArchiveType> types = hierarchy(seed);
            Map<String, Integer> index = index(types);
            CallGraph.Hierarchy h = build(types);
            for (int t = 0; t < types.size(); t++) {
                assertThat(h.ancestors[t]).as("ancestors of %s", types.get(t).name()).containsExactly(ancestors(types, index, t));
            }
            int bundle = index.get("p/Bundle");
            assertThat(h.byName[bundle]).isTrue();
            assertThat(h.byName[index.get("p/CycleA")]).isFalse();
        }
    }

    /** Whether {@code d} is related to {@code type} as the virtual call's targets were tested before the bit sets. */
    private static boolean plainlyRelated(CallGraph.Hierarchy h, int type, int d) {
        return h.isSubtype(d, type) || h.isSubtype(type, d) || h.shareSubtype(type, d);
    }

    @Test
    void relatedTypesAnswerAsTheSubtypeTestsWithinTheBoundsAndPastThem() {
        for (long seed = 1; seed <= 5; seed++) {
            List<CallGraph.ArchiveType> types = hierarchy(seed);
            CallGraph.Hierarchy within = build(types);
            CallGraph.Hierarchy past = build(types);
            past.maxRelatedWords = 0;
            // Room for a few types' sets only: the first ones asked get one, the later ones do without.
            CallGraph.Hierarchy partly = build(types);
            partly.maxRelatedWork = 40;
            int related = 0;
            for (int type = 0; type < types.size(); type++) {
                for (int d = 0; d < types.size(); d++) {
                    boolean expected = plainlyRelated(within, type, d);
                    related += expected ? 1 : 0;
                    assertThat(within.related(type, d)).as("seed %d, %s and %s", seed, types.get(type).name(), types.get(d).name())
                            .isEqualTo(expected);
                    assertThat(past.related(type, d)).isEqualTo(expected);
                    assertThat(partly.related(type, d)).isEqualTo(expected);
                }
            }
            // The hierarchy is not trivial: some pairs are related, and not all.
            assertThat(related).isBetween(types.size() + 1, types.size() * types.size() - 1);
        }
    }

    @Test
    void aSubtypesUnrelatedSuperclassIsRelatedToItsInterface() {
        // class T extends S implements X: S.go() implements X.go() for a T, though S and X are unrelated.
        List<CallGraph.ArchiveType> types = List.of(
                new CallGraph.ArchiveType("p/X", true, "java/lang/Object", List.of()),
                new CallGraph.ArchiveType("p/S", false, "java/lang/Object", List.of()),
                new CallGraph.ArchiveType("p/T", false, "p/S", List.of("p/X")),
                new CallGraph.ArchiveType("p/U", false, "java/lang/Object", List.of("p/X")));
        CallGraph.Hierarchy h = build(types);
        assertThat(h.related(0, 1)).isTrue();
        assertThat(h.related(0, 2)).isTrue();
        assertThat(h.related(3, 1)).isFalse();
        assertThat(h.related(1, 3)).isFalse();
    }

    @Test
    void theIdentityCacheTellsStringsOfTheSameTextApart() {
        CallGraph.IdentityCache cache = new CallGraph.IdentityCache();
        String name = "go";
        String otherName = new String("go");
        cache.put(name, "()V", 7);
        assertThat(cache.get(name, "()V")).isEqualTo(7);
        assertThat(cache.get(otherName, "()V")).isEqualTo(CallGraph.IdentityCache.MISSING);
        cache.put("p/Owner", null, -1);
        assertThat(cache.get("p/Owner", null)).isEqualTo(-1);
        // Growing keeps every pair.
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            names.add("m" + i);
            cache.put(names.get(i), "()V", i);
        }
        for (int i = 0; i < 500; i++) {
            assertThat(cache.get(names.get(i), "()V")).isEqualTo(i);
        }
        assertThat(cache.get(name, "()V")).isEqualTo(7);
    }

    @Test
    void aRecordedCallHasTheSignatureIdOfItsTextWhicheverStringsNameIt() {
        CallGraph.Sigs sigs = new CallGraph.Sigs();
        CallGraph.Recorder recorder = new CallGraph.Recorder(new CallGraph.Ids(Map.of("p/A", 0, "p/B", 1), sigs));
        recorder.method(Opcodes.ACC_STATIC, "run", "()V");
        // The same call through other String instances (a duplicate constant): one call, one id.
        recorder.call(Opcodes.INVOKESTATIC, "p/A", "go", "()V");
        recorder.call(Opcodes.INVOKESTATIC, new String("p/A"), new String("go"), new String("()V"));
        recorder.call(Opcodes.INVOKESTATIC, "p/B", new String("go"), "()V");
        recorder.call(Opcodes.INVOKESTATIC, "java/lang/Math", "abs", "(I)I");
        CallGraph.ClassCalls calls = recorder.finish();
        int go = sigs.intern("go", "()V");
        assertThat(calls.sites()).containsExactly(CallGraph.STATIC, 0, go, CallGraph.STATIC, 1, go);
        assertThat(calls.methodSigs()).containsExactly(sigs.intern("run", "()V"));
    }

    /**
     * A recorder given back and taken again for another class file records that class as a new one would:
     * nothing of the first class (its methods, calls, receiver sites, provided services, static finals and
     * their stores, serialization statics, the values it followed) is left in what the second records.
     */
    @Test
    void aRecorderTakenAgainRecordsTheNextClassAsANewOneWould() {
        CallGraph.Sigs sigs = new CallGraph.Sigs();
        CallGraph.Ids ids = new CallGraph.Ids(Map.of("p/A", 0, "p/B", 1), sigs);
        CallGraph.Recorders recorders = new CallGraph.Recorders(ids);
        CallGraph.Recorder first = recorders.take();
        everything(first);
        CallGraph.ClassCalls firstCalls = first.finish();
        assertThat(firstCalls.provides()).isNotEmpty();
        assertThat(firstCalls.staticFinals()).isNotEmpty();
        assertThat(firstCalls.stores()).isNotEmpty();
        assertThat(firstCalls.serialStatics()).isTrue();
        recorders.give(first);
        CallGraph.Recorder again = recorders.take();
        assertThat(again).isSameAs(first);
        for (java.util.function.Consumer<CallGraph.Recorder> second : List.<java.util.function.Consumer<CallGraph.Recorder>>of(
                r -> { }, CallGraphStructureTests::small, CallGraphStructureTests::everything)) {
            second.accept(again);
            CallGraph.ClassCalls reused = again.finish();
            recorders.give(again);
            assertThat(recorders.take()).isSameAs(again);
            CallGraph.Recorder fresh = new CallGraph.Recorder(ids);
            second.accept(fresh);
            CallGraph.ClassCalls expected = fresh.finish();
            assertThat(reused.methodSigs()).containsExactly(expected.methodSigs());
            assertThat(reused.methodAccess()).containsExactly(expected.methodAccess());
            assertThat(reused.sites()).containsExactly(expected.sites());
            assertThat(reused.siteStart()).containsExactly(expected.siteStart());
            assertThat(reused.provides()).isEqualTo(expected.provides());
            assertThat(reused.staticFinals()).containsExactly(expected.staticFinals());
            assertThat(reused.stores()).containsExactly(expected.stores());
            assertThat(reused.serialStatics()).isEqualTo(expected.serialStatics());
        }
        // What the first class recorded stays as it was: finish copied it out.
        CallGraph.Recorder fresh = new CallGraph.Recorder(ids);
        everything(fresh);
        assertThat(firstCalls.sites()).containsExactly(fresh.finish().sites());

        // Given back midway (a class file read again without what never runs): in a static initialiser,
        // a method's calls seen and values followed, a receiver call recorded.
        CallGraph.Recorder abandoned = recorders.take();
        abandoned.field(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "INSTANCE", "Lp/B;", null);
        abandoned.method(Opcodes.ACC_STATIC, "<clinit>", "()V");
        abandoned.call(Opcodes.INVOKESTATIC, "p/A", "helper", "(I)I");
        abandoned.fieldInsn(Opcodes.GETSTATIC, "p/A", "INSTANCE", "Lp/B;");
        abandoned.call(Opcodes.INVOKEVIRTUAL, "p/B", "go", "()V");
        abandoned.typeInsn(Opcodes.NEW, "p/B");
        recorders.give(abandoned);
        CallGraph.Recorder taken = recorders.take();
        assertThat(taken).isSameAs(abandoned);
        small(taken);
        CallGraph.ClassCalls afterAbandoned = taken.finish();
        CallGraph.Recorder freshSmall = new CallGraph.Recorder(ids);
        small(freshSmall);
        CallGraph.ClassCalls expectedSmall = freshSmall.finish();
        assertThat(afterAbandoned.sites()).containsExactly(expectedSmall.sites());
        assertThat(afterAbandoned.siteStart()).containsExactly(expectedSmall.siteStart());
        assertThat(afterAbandoned.methodSigs()).containsExactly(expectedSmall.methodSigs());
        assertThat(afterAbandoned.staticFinals()).containsExactly(expectedSmall.staticFinals());
        assertThat(afterAbandoned.stores()).containsExactly(expectedSmall.stores()).hasSize(4);
    }

    /** A class file using every kind of record: fields, a static initialiser following values, calls in and out of the archive. */
    private static void everything(CallGraph.Recorder r) {
        r.provide("p/B");
        r.field(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "INSTANCE", "Lp/B;", null);
        r.field(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_PRIVATE, "serialVersionUID", "J", 1L);
        r.method(Opcodes.ACC_STATIC, "<clinit>", "()V");
        r.typeInsn(Opcodes.NEW, "p/B");
        r.init(1);
        r.insn(Opcodes.DUP);
        r.call(Opcodes.INVOKESPECIAL, "p/B", "<init>", "()V");
        r.fieldInsn(Opcodes.PUTSTATIC, "p/A", "INSTANCE", "Lp/B;");
        r.method(Opcodes.ACC_PUBLIC, "run", "()V");
        // A call on a static final field's value: a receiver site.
        r.fieldInsn(Opcodes.GETSTATIC, "p/A", "INSTANCE", "Lp/B;");
        r.call(Opcodes.INVOKEVIRTUAL, "p/B", "go", "()V");
        r.fieldInsn(Opcodes.GETSTATIC, "p/B", "OTHER", "Lp/A;");
        r.call(Opcodes.INVOKESTATIC, "p/A", "helper", "(I)I");
        r.call(Opcodes.INVOKESTATIC, "java/lang/Math", "abs", "(I)I");
        r.flow();
    }

    /**
     * A class file with a static final field of its own and a static initialiser calling one archive method
     * twice, then calling a method of the value it holds on the stack (no field: no receiver site), storing
     * null into its own field (a store) and into a static final field it does not declare (no store), then a
     * method calling a method of the same name again.
     */
    private static void small(CallGraph.Recorder r) {
        r.field(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "SELF", "Lp/A;", null);
        r.method(Opcodes.ACC_STATIC, "<clinit>", "()V");
        r.insn(Opcodes.ACONST_NULL);
        r.fieldInsn(Opcodes.PUTSTATIC, "p/A", "SELF", "Lp/A;");
        r.call(Opcodes.INVOKESTATIC, "p/A", "helper", "(I)I");
        r.call(Opcodes.INVOKESTATIC, "p/A", "helper", "(I)I");
        r.call(Opcodes.INVOKEVIRTUAL, "p/B", "go", "()V");
        r.insn(Opcodes.ACONST_NULL);
        r.fieldInsn(Opcodes.PUTSTATIC, "p/A", "INSTANCE", "Lp/B;");
        r.method(Opcodes.ACC_PUBLIC, "go", "()V");
        r.call(Opcodes.INVOKESTATIC, "p/A", "helper", "(I)I");
    }

    /**
     * The signature table against a map of the same keys: ids dense in first-interned order and stable
     * through the table's growth, names whose hashes collide ("Aa" and "BB", and descriptors chosen so
     * that whole keys collide) kept apart, and {@code find} of a joined signature whose name holds a '('.
     */
    @Test
    void signatureTableIsAMapOfDistinctKeys() {
        CallGraph.Sigs sigs = new CallGraph.Sigs();
        Map<List<String>, Integer> expected = new HashMap<>();
        Random random = new Random(7);
        List<List<String>> keys = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            keys.add(List.of("m" + random.nextInt(20_000), "(" + (random.nextBoolean() ? "I" : "J") + ")V"));
        }
        // "Aa" and "BB" share a String hash; so do "AaAa", "AaBB", "BBAa" and "BBBB": whole keys collide.
        for (String n : List.of("Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB")) {
            keys.add(List.of(n, "()V"));
            keys.add(List.of("x", "(L" + n + ";)V"));
        }
        keys.add(List.of("odd(name", "()V"));
        for (List<String> k : keys) {
            int id = sigs.intern(k.get(0), k.get(1));
            Integer before = expected.putIfAbsent(k, expected.size());
            assertThat(id).as("%s", k).isEqualTo(before == null ? expected.size() - 1 : before);
        }
        CallGraph.SigKey[] all = sigs.keys();
        assertThat(all).hasSize(expected.size());
        expected.forEach((k, id) -> {
            assertThat(all[id].name()).isEqualTo(k.get(0));
            assertThat(all[id].descriptor()).isEqualTo(k.get(1));
            assertThat(sigs.intern(k.get(0), k.get(1))).isEqualTo(id);
            assertThat(sigs.find(k.get(0) + k.get(1))).isEqualTo(id);
        });
        assertThat(sigs.find("odd(name()V")).isEqualTo(expected.get(List.of("odd(name", "()V")));
        assertThat(sigs.find("Ab()V")).isEqualTo(-1);
        assertThat(sigs.find("noParen")).isEqualTo(-1);
        assertThat(sigs.keys()).hasSize(expected.size());
    }

    /**
     * The flags of a signature, looked up by name, against the rules applied to the joined signature and
     * against the previous code (kept here as it was): every recognised signature split at each position,
     * with a descriptor cut short or extended, names holding '(' and descriptors that do not start with one,
     * and ordinary names.
     */
    @Test
    void flagsByNameAgreeWithTheRulesOnTheJoinedSignature() {
        List<String> joined = new ArrayList<>(List.of("<init>()V", "<init>(I)V", "<clinit>()V", "values()[Lp/E;", "values(I)[Lp/E;",
                "provider()Lp/P;", "provider(I)Lp/P;", "readObject(Ljava/io/ObjectInputStream;)V", "readObjectNoData()V",
                "readResolve()Ljava/lang/Object;", "$deserializeLambda$(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;",
                "writeObject(Ljava/io/ObjectOutputStream;)V", "writeReplace()Ljava/lang/Object;", "readUnshared()Ljava/lang/Object;",
                "defaultReadObject()V", "readFields()Ljava/io/ObjectInputStream$GetField;", "getObject()Ljava/lang/Object;",
                "instantiate(Ljava/lang/ClassLoader;Ljava/lang/String;)Ljava/lang/Object;", "get()Ljava/lang/Object;",
                "getName()Ljava/lang/String;", "run()V", "valueOf(Ljava/lang/String;)Lp/E;", "read()I", "write(I)V", "init()V",
                "<init>", "values", "(", "()V", "", "readObject", "readObject(Ljava/io/ObjectInputStream;)", "x(y)z(w)V",
                // Past and through the filter in front of the lookup (rule names' lengths and first characters):
                // a rule name's length with another first character, its first character with another length,
                // both with another name, a first character past ASCII, a name longer than 63 characters.
                "xet()V", "gex()V", "getx()V", "<inix>()V", "vvlues()[Lp/E;", "\u00e9et()V", "\u00e9", "g".repeat(70) + "()V",
                "get" + "t".repeat(61) + "()V"));
        for (String s : List.copyOf(joined)) {
            joined.add(s + "V");
            joined.add(s + ")V");
            joined.add("(" + s);
        }
        int checked = 0;
        int flagged = 0;
        for (String s : joined) {
            for (int cut = 0; cut <= s.length(); cut++) {
                CallGraph.SigKey k = new CallGraph.SigKey(s.substring(0, cut), s.substring(cut));
                int flags = CallGraph.flags(k);
                assertThat(flags).as("%s split at %d", s, cut).isEqualTo(CallGraph.joinedFlags(k)).isEqualTo(previousFlags(k));
                checked++;
                flagged += flags != 0 ? 1 : 0;
            }
        }
        assertThat(checked).isGreaterThan(2_000);
        assertThat(flagged).isGreaterThan(300);
    }

    /** CallGraph.flags before the lookup by name. */
    private static int previousFlags(CallGraph.SigKey k) {
        java.util.Set<String> readHooks = java.util.Set.of("readObject(Ljava/io/ObjectInputStream;)V", "readObjectNoData()V",
                "readResolve()Ljava/lang/Object;", "$deserializeLambda$(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;");
        java.util.Set<String> writeHooks = java.util.Set.of("writeObject(Ljava/io/ObjectOutputStream;)V", "writeReplace()Ljava/lang/Object;");
        java.util.Set<String> deserializerNames = java.util.Set.of("readObject", "readUnshared", "defaultReadObject", "readFields",
                "getObject", "instantiate", "get");
        char first = k.name().isEmpty() ? 0 : k.name().charAt(0);
        if (first != 0 && "$<vprwdgi".indexOf(first) < 0) {
            return 0;
        }
        int hook = 0;
        for (String hookSig : readHooks) {
            hook |= k.is(hookSig) ? 4 : 0;
        }
        for (String hookSig : writeHooks) {
            hook |= k.is(hookSig) ? 32 : 0;
        }
        return (k.startsWith("<init>(") ? 1 : 0) | (k.startsWith("<clinit>(") ? 2 : 0) | hook | (k.startsWith("values()") ? 8 : 0)
                | (k.startsWith("provider()") ? 16 : 0) | (deserializerNames.contains(k.name()) ? 64 : 0);
    }
}

