package dev.stigmem.loader.internal.scan;

import dev.stigmem.loader.scan.ScanLimitException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The call graph of an archive's own classes by class-hierarchy analysis (CHA), and what it reaches
 * from the archive's entry points: which methods can run at all once the plugin is loaded.
 *
 * <p>Sound over precise: a method is reachable when any of these can call it, directly or through
 * methods reachable themselves:
 * <ul>
 *   <li>the node: every constructor, static initialiser and static {@code provider()} of an entry class
 *       (annotated {@code @StigmemPlugin}, implementing {@code dev.stigmem.api.Plugin}, named by a
 *       {@code provides} of a module descriptor or by a {@code META-INF/services} file), and of every
 *       class the JDK instantiates by name ({@link #JDK_INSTANTIATED});</li>
 *   <li>the JDK or the node through a type outside the archive: every method that overrides or
 *       implements a method of a JDK or api supertype ({@code run}, {@code compare}, {@code toString},
 *       every hook handler method, ...), wherever in the archive's class hierarchy the implementation
 *       stands, once reachable code has created an instance of that class (see below);</li>
 *   <li>serialization, by name, on an instance (see below): {@code writeObject} and {@code writeReplace};</li>
 *   <li>deserialization, once a reachable method deserializes (calls a method of {@link #DESERIALIZERS},
 *       naming the JDK type or a subtype, the archive's included): the read hooks {@code readObject},
 *       {@code readObjectNoData}, {@code readResolve} and {@code $deserializeLambda$} (which rebuilds a
 *       serializable lambda), the constructors the stream runs (the no-argument one of an
 *       {@code Externalizable} class and of the first superclass of a serializable class that is not
 *       serializable, a record's canonical one), every enum's {@code values()}; and every serializable
 *       class counts as instantiated from then on (the stream makes instances without constructors).
 *       Deserialization from a stream the archive chose is denied ({@code ObjectInputStream#readObject},
 *       {@code XMLDecoder}, ...), so in an archive that passes the scan only the allowed JDK routes
 *       ({@code SignedObject#getObject}, {@code SealedObject#getObject}) enable these, and they read
 *       back what serialization of existing instances wrote;</li>
 *   <li>the JDK's enum machinery ({@code EnumSet}, {@code EnumMap}, {@code Enum#valueOf},
 *       {@code Class#getEnumConstants}, annotation parsing, deserialization), which calls an enum's
 *       {@code values()} given the enum's {@code Class} object: once reachable code may hold it. It
 *       does when the class is live (below: an instance's {@code getClass()} or
 *       {@code getDeclaringClass()}), when a reachable method loads it as a constant ({@code ldc} of
 *       the class or of an array of it, a method type or handle naming it, a constant-dynamic's type and
 *       arguments, the descriptor and arguments of a bootstrap other than the lambda and string
 *       concatenation factories) or creates an array of it (an array's class hands out its component
 *       type), and for every enum once a reachable method calls a JDK method that hands out classes
 *       named by another class's metadata ({@link #NAVIGATORS}: supertypes, member and nest classes,
 *       generic signatures, annotations; or anything of {@code java.beans}). A class obtained by name
 *       ({@code Class#forName}, lookups) or through reflective members is a denied call;</li>
 *   <li>the JVM: the static initialisers of every class a reachable method names in an instruction
 *       (and of its archive supertypes), of the class of every reachable method, of every interface a
 *       reachable lambda or method reference implements, of every annotation interface once
 *       reachable code may get annotations (a proxy's class initialises its interfaces), and, once
 *       reachable code serializes, of a serializable class declaring {@code serialVersionUID} whose
 *       {@code Class} object reachable code may hold ({@link #serialInit});</li>
 *   <li>the JDK, by name: every constructor of at most one argument once reachable code makes a
 *       {@code java.security.Provider} of the archive (its services are classes it names);</li>
 *   <li>the host: every instance method of an archive subtype of a class of a jar the host replaces
 *       by its own copy (substitute-module), whose code is not the archive's;</li>
 *   <li>a reachable method: the targets of its calls (a static or special call: the method it
 *       resolves to; a virtual or interface call: every non-static method of that name and descriptor
 *       declared in a subtype or supertype of the receiver type, or in a superclass of a subtype (which
 *       a subtype inherits as its implementation: {@code class T extends S implements X}), and every
 *       default method of that name and descriptor), the targets of its method handles ({@code ldc}, and the bootstrap method and
 *       arguments of {@code invokedynamic} and constant-dynamic, which is how lambdas and method
 *       references reach their bodies).</li>
 * </ul>
 * An instance method (an override called by the JDK, or a CHA target of a virtual call) runs only on
 * an instance of its class or of a subtype, and reachable code makes every such instance through a
 * constructor (rapid type analysis), or it is an interface a reachable lambda implements: until then,
 * its instance methods wait; so do the write hooks (serialization runs them on an instance that
 * exists). Read hooks do not wait (the stream makes the instance), but they wait for deserialization.
 * Reflection adds no edge: every reflective way to reach a method by name (Class#forName,
 * Method#invoke, lookups, ...) is itself a denied call in reachable code, so an archive that uses it
 * is refused anyway; {@code ServiceLoader} only instantiates the providers named by the archive's
 * {@code provides} and services files, which are entry points. Every instruction of a reachable
 * method counts (no analysis inside a method: an exception handler or a branch never taken is
 * reachable).
 *
 * <p>A virtual or interface call whose receiver is, as the stack shows in a straight line of instructions,
 * the value a {@code getstatic} just read from a static final field of an archive class reaches only the
 * methods the classes of that field's possible values declare or inherit from archive ancestors, when
 * every assignment of the field is recognised ({@link #fieldTypes}: {@code new T}, {@code aconst_null},
 * another such field); a call on any other receiver, or through any other field, keeps its CHA targets. The JVM lets only the
 * field's own class assign a static final field (from class file version 53 only in its static
 * initialiser), reflection cannot, and every other way (Unsafe, lookups, VarHandles) is a denied call:
 * code that would falsify the field's values is refused itself, if reachable, before it could matter.
 *
 * <p>Compact: only calls to the archive's own classes are kept (a call to a JDK or api type can reach
 * archive code only through an override, which is an entry point already), as int triples. The graph's
 * size is bounded by {@link dev.stigmem.loader.scan.ScanLimits#maxCallGraphSize()}. Deterministic: method
 * nodes are numbered in archive order and the search is breadth-first in that order, so the path to a
 * method is the same whatever the scheduling of the scan.
 */
final class CallGraph {

    static final int STATIC = 0;
    static final int SPECIAL = 1;
    static final int VIRTUAL = 2;
    /** Names a class in a way that initialises it (new, a static field, a static call). */
    static final int INIT = 3;
    /** Hands out the class's {@code Class} object without initialising it ({@code ldc}, an array of it, ...). */
    static final int CLASS = 4;
    /** Calls a JDK method that deserializes ({@link #DESERIALIZERS}); the type and signature are unused. */
    static final int DESERIALIZES = 5;
    /** Calls a JDK method that hands out classes named by another class's metadata ({@link #NAVIGATORS}); unused type and signature. */
    static final int NAVIGATES = 6;
    /**
     * A virtual or interface call whose receiver was read from a static field: (RECEIVER_FIELD, type, sig)
     * followed by (FIELD_REF, the type the getstatic names, field id). Resolved as {@link #VIRTUAL} unless
     * the field is a static final one whose values the archive tells (see {@link #fieldTypes}).
     */
    static final int RECEIVER_FIELD = 7;
    /** The second triple of a {@link #RECEIVER_FIELD} call: never a call on its own. */
    static final int FIELD_REF = 8;
    /**
     * Links a lambda or method reference ({@code LambdaMetafactory}) implementing this archive interface: the
     * JDK makes an instance of it without an archive constructor (its default methods run on it, the JDK's
     * calls included) and initialising the lambda's class initialises the interface (JVMS 5.5).
     */
    static final int LAMBDA = 9;
    /** Calls a JDK method that describes classes for serialization ({@link #SERIALIZERS}); the type and signature are unused. */
    static final int SERIALIZES = 10;

    /** What a {@code putstatic} in a static initialiser stores (per write: field id, origin, a, b). */
    static final int STORES_NEW = 0;
    static final int STORES_NULL = 1;
    static final int STORES_FIELD = 2;
    static final int STORES_UNKNOWN = 3;
    /** A static setter method handle naming the field (any class's): unknown wherever the field is. */
    static final int STORES_HANDLE = 4;

    /** Longest path a finding shows; a longer one keeps its first and last calls with "..." between. */
    static final int MAX_PATH = 8;

    /**
     * The hooks deserialization calls, by name: on an instance it makes without a constructor, and (for
     * {@code $deserializeLambda$}, static) on the class that captured a serializable lambda.
     */
    private static final Set<String> READ_HOOKS = Set.of("readObject(Ljava/io/ObjectInputStream;)V", "readObjectNoData()V",
            "readResolve()Ljava/lang/Object;", "$deserializeLambda$(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;");
    /** The hooks serialization calls, by name, on an instance that exists. */
    private static final Set<String> WRITE_HOOKS = Set.of("writeObject(Ljava/io/ObjectOutputStream;)V",
            "writeReplace()Ljava/lang/Object;");
    /**
     * The JDK's ways to deserialize, as JDK type and method name (any descriptor), the type's JDK and
     * archive subtypes included: those the policy denies ({@code ObjectInputStream#readObject} and
     * {@code readUnshared}, {@code XMLDecoder}, {@code Beans#instantiate}, {@code java.rmi}) and those it
     * allows, which read a stream that serialization of existing objects wrote ({@code SignedObject} and
     * {@code SealedObject#getObject}; {@code defaultReadObject} and {@code readFields}, which work only inside
     * a read hook; {@code ObjectInput#readObject}, the interface {@code ObjectInputStream} implements).
     */
    static final Map<String, Set<String>> DESERIALIZERS = Map.of(
            "java/io/ObjectInputStream", Set.of("readObject", "readUnshared", "defaultReadObject", "readFields"),
            "java/io/ObjectInput", Set.of("readObject"),
            "java/security/SignedObject", Set.of("getObject"),
            "javax/crypto/SealedObject", Set.of("getObject"),
            "java/beans/Beans", Set.of("instantiate"),
            "java/beans/XMLDecoder", Set.of("readObject"),
            "java/rmi/MarshalledObject", Set.of("get"));
    /**
     * The JDK's ways to describe a class for serialization, which initialise it when it declares
     * {@code serialVersionUID} or {@code serialPersistentFields} ({@link #serialInit}), by exact owner and
     * name: making an {@code ObjectOutputStream} (an archive subclass's constructor calls the JDK's) or writing
     * to one, {@code ObjectStreamClass#lookup}, and the JDK's own serializing constructors.
     */
    static final Map<String, Set<String>> SERIALIZERS = Map.of(
            "java/io/ObjectOutputStream", Set.of("<init>", "writeObject", "writeUnshared"),
            "java/io/ObjectOutput", Set.of("writeObject"),
            "java/io/ObjectStreamClass", Set.of("lookup", "lookupAny"),
            "java/security/SignedObject", Set.of("<init>"),
            "javax/crypto/SealedObject", Set.of("<init>"));
    /**
     * HashSets (and a HashMap, {@link #RULES_BY_NAME}), read-only: looked up for every call site or signature,
     * mostly for names they do not hold. A hashed collection tells a miss by the keys' cached hashes, where
     * {@code Set.of}'s and {@code Map.of}'s call {@code equals} on each key along their probe.
     */
    private static final Set<String> SERIALIZER_NAMES = Collections.unmodifiableSet(new HashSet<>(
            List.of("<init>", "writeObject", "writeUnshared", "lookup", "lookupAny")));
    /** Every method name of {@link #DESERIALIZERS}: the only calls whose owner is looked up further. */
    private static final Set<String> DESERIALIZER_NAMES = Collections.unmodifiableSet(new HashSet<>(List.of("readObject",
            "readUnshared", "defaultReadObject", "readFields", "getObject", "instantiate", "get")));
    /**
     * The JDK methods that hand out {@code Class} objects of types named only in another class's metadata
     * (supertypes, member and nest classes, generic signatures, annotations: whose enum-valued elements
     * the JDK resolves by {@code Enum#valueOf}, which calls {@code values()}), by owner and name; the
     * reflective ones that also do (members, {@code Class#forName}) are denied. {@code ObjectStreamClass}
     * hands out the types of a class's serializable fields; {@code java.beans} as a whole counts too: its
     * introspection hands out property types and reads annotations.
     */
    static final Map<String, Set<String>> NAVIGATORS;

    static {
        Set<String> names = Set.of("getClasses", "getNestMembers", "getNestHost", "getDeclaringClass", "getEnclosingClass",
                "getPermittedSubclasses", "getSuperclass", "getGenericSuperclass", "getInterfaces", "getGenericInterfaces",
                "getAnnotatedSuperclass", "getAnnotatedInterfaces", "getTypeParameters", "getAnnotation", "getAnnotations",
                "getAnnotationsByType", "getDeclaredAnnotation", "getDeclaredAnnotations", "getDeclaredAnnotationsByType",
                "isAnnotationPresent");
        // ObjectStreamClass describes a class's serializable fields, whose types ObjectStreamField#getType hands out.
        NAVIGATORS = Map.of("java/lang/Class", names, "java/lang/Package", names, "java/lang/Module", names,
                "java/lang/reflect/AnnotatedElement", names, "java/lang/reflect/GenericDeclaration", names,
                "java/io/ObjectStreamClass", Set.of("lookup", "lookupAny", "getFields", "getField"),
                "java/io/ObjectStreamField", Set.of("getType"));
    }

    /** Per JDK owner of a call named as a deserializer: the deserializing method names of the {@link #DESERIALIZERS} types above it. */
    private static final ConcurrentHashMap<String, Set<String>> DESERIALIZER_OWNERS = new ConcurrentHashMap<>();
    private static final String PLUGIN = "dev/stigmem/api/Plugin";
    private static final String ANNOTATION = "java/lang/annotation/Annotation";
    /**
     * A security provider's services are classes named by strings: {@code Provider.Service#newInstance}
     * loads the name with the provider's class loader and runs its public constructor (no-argument, or one
     * taking the engine's parameter) by reflection from java.base, before any cast. Whatever a subclass in
     * the archive names (its {@code getService} may return any service), any archive class can be it.
     */
    private static final Set<String> PROVIDER_TYPES = Set.of("java/security/Provider");
    /**
     * JDK types whose subclasses the JDK instantiates by name, by reflection from JDK code, with no call
     * of the archive naming their constructor: resource bundles ({@code ResourceBundle#getBundle}), and
     * property editors, bean infos and customizers ({@code java.beans}, by naming convention). Their
     * constructors are entry points.
     */
    static final Set<String> JDK_INSTANTIATED = Set.of("java/util/ResourceBundle", "java/beans/PropertyEditor",
            "java/beans/BeanInfo", "java/beans/Customizer");

    /** Method signatures ({@code name + descriptor}) as ints; the ids only ever compare for equality. Thread-safe. */
    static final class Sigs {
        /*
         * An open-addressing table on one lock rather than a ConcurrentHashMap<SigKey, Integer>: a probe reads
         * one slot of two int arrays (the id + 1, 0 when empty, and the key's hash) and compares strings only on
         * a full hash match, where the map walked a node, a key and a boxed id for each probe (a Guava scan
         * interns some 25,000 method declarations and as many referenced signatures).
         * Keyed by name and descriptor apart: ASM hands out one String per constant, whose hash is cached, so
         * a lookup builds no string (joining them per call site was a hot spot). Strings that collide in hash
         * are still told apart by equals: a colliding name never shares an id (its flags, its declarers).
         */
        private int[] slots = new int[1 << 14];
        private int[] slotHashes = new int[1 << 14];
        /** By id: each key once, appended as it is interned, so the graph need not walk the table. */
        private SigKey[] keys = new SigKey[8192];
        /** By id: {@link CallGraph#flags} of each key. */
        private int[] flags = new int[8192];
        private int next;

        synchronized int intern(String name, String descriptor) {
            int h = name.hashCode() * 31 + descriptor.hashCode();
            int mask = slots.length - 1;
            for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
                int s = slots[i];
                if (s == 0) {
                    int id = append(new SigKey(name, descriptor));
                    slots[i] = id + 1;
                    slotHashes[i] = h;
                    if (2 * next > slots.length) {
                        rehash();
                    }
                    return id;
                }
                if (slotHashes[i] == h && keys[s - 1].name().equals(name) && keys[s - 1].descriptor().equals(descriptor)) {
                    return s - 1;
                }
            }
        }

        /** The id of a signature interned already, or -1. */
        private synchronized int lookup(String name, String descriptor) {
            int h = name.hashCode() * 31 + descriptor.hashCode();
            int mask = slots.length - 1;
            for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
                int s = slots[i];
                if (s == 0) {
                    return -1;
                }
                if (slotHashes[i] == h && keys[s - 1].name().equals(name) && keys[s - 1].descriptor().equals(descriptor)) {
                    return s - 1;
                }
            }
        }

        /** Spreads the hash's high bits into the low ones the mask keeps (as HashMap does). */
        private static int spread(int h) {
            return h ^ (h >>> 16);
        }

        /** Twice the slots, filled again from the stored hashes (no key hashed again); at most half full after. */
        private void rehash() {
            int[] oldSlots = slots;
            int[] oldHashes = slotHashes;
            slots = new int[oldSlots.length * 2];
            slotHashes = new int[oldSlots.length * 2];
            int mask = slots.length - 1;
            for (int j = 0; j < oldSlots.length; j++) {
                if (oldSlots[j] != 0) {
                    int i = spread(oldHashes[j]) & mask;
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = oldSlots[j];
                    slotHashes[i] = oldHashes[j];
                }
            }
        }

        private int append(SigKey k) {
            if (next == keys.length) {
                keys = Arrays.copyOf(keys, next * 2);
                flags = Arrays.copyOf(flags, next * 2);
            }
            keys[next] = k;
            flags[next] = CallGraph.flags(k);
            return next++;
        }

        /** The flags of the first {@code count} signatures (as many as {@link #keys} returned). */
        synchronized int[] flags(int count) {
            return Arrays.copyOf(flags, count);
        }

        /**
         * The id of the signature written {@code sig} ({@code name + descriptor}), or -1. Every split before a
         * '(' is tried, so a name holding one (legal in a class file) is found as when names were joined.
         */
        int find(String sig) {
            for (SigKey k : splits(sig)) {
                int id = lookup(k.name(), k.descriptor());
                if (id >= 0) {
                    return id;
                }
            }
            return -1;
        }

        /**
         * Per signature string looked up by {@link #find} (the JDK's overridable methods, the same in every
         * scan): its splits before each '(', in order, made and hashed once per process rather than per scan
         * and per set of external supertypes. Bounded: past {@link #MAX_SPLITS} strings, made each time.
         */
        private static final ConcurrentHashMap<String, SigKey[]> SPLITS = new ConcurrentHashMap<>();
        private static final int MAX_SPLITS = 1 << 15;

        private static SigKey[] splits(String sig) {
            SigKey[] known = SPLITS.get(sig);
            if (known != null) {
                return known;
            }
            List<SigKey> out = new ArrayList<>(1);
            for (int paren = sig.indexOf('('); paren >= 0; paren = sig.indexOf('(', paren + 1)) {
                out.add(new SigKey(sig.substring(0, paren), sig.substring(paren)));
            }
            SigKey[] made = out.toArray(new SigKey[0]);
            if (SPLITS.size() < MAX_SPLITS) {
                SPLITS.putIfAbsent(sig, made);
            }
            return made;
        }

        synchronized SigKey[] keys() {
            return Arrays.copyOf(keys, next);
        }

        /** Field names and descriptors as ints, apart from the method signatures; they only ever compare for equality. */
        private final ConcurrentHashMap<SigKey, Integer> fieldIds = new ConcurrentHashMap<>(1024);
        private final AtomicInteger nextField = new AtomicInteger();

        int field(String name, String descriptor) {
            SigKey k = new SigKey(name, descriptor);
            Integer id = fieldIds.get(k);
            return id != null ? id : fieldIds.computeIfAbsent(k, x -> nextField.getAndIncrement());
        }
    }

    /**
     * The call graph's numbering of one scan's member references: the owner's type index ({@code -1} outside
     * the archive, {@link #NAVIGATOR_OWNER} for a JDK type that hands out classes by metadata) and the
     * signature id of a method of an archive type. {@link ReferenceJudge} keeps them with each member
     * reference it judges once per scan, so a call site costs the recorder no lookup of its own.
     * {@link #NONE} when the scan builds no call graph. Thread-safe.
     */
    static final class Ids {
        static final Ids NONE = new Ids(Map.of(), null);
        private final Map<String, Integer> archiveTypes;
        private final Sigs sigs;

        Ids(Map<String, Integer> archiveTypes, Sigs sigs) {
            this.archiveTypes = archiveTypes;
            this.sigs = sigs;
        }

        int type(String owner) {
            if (sigs == null) {
                return -1;
            }
            Integer i = archiveTypes.get(owner);
            return i != null ? i : NAVIGATORS.containsKey(owner) || owner.startsWith("java/beans/") ? NAVIGATOR_OWNER : -1;
        }

        /** The id of a method signature ({@code descriptor} starts with '('), or -1 for a field or without a graph. */
        int sig(String name, String descriptor) {
            return sigs == null || descriptor.isEmpty() || descriptor.charAt(0) != '(' ? -1 : sigs.intern(name, descriptor);
        }
    }

    /** {@link Ids#type} of an owner outside the archive that {@link #NAVIGATORS} or {@code java.beans} holds. */
    static final int NAVIGATOR_OWNER = -2;

    /**
     * What one class file contributes: its methods and their calls to archive classes as (kind, type, sig)
     * triples, all in one array (method m's from {@code siteStart[m]} to {@code siteStart[m + 1]}): one
     * array per class rather than one per method, fewer objects to make and to walk. {@code staticFinals}:
     * the field ids ({@link Sigs#field}) of its static final fields of a class or interface type without a
     * constant value; {@code stores}: each {@code putstatic} in its methods of one of those fields' names and
     * descriptors, whatever class it names, and each static setter handle, as (field id, {@code STORES_*} origin, a, b):
     * {@link #STORES_NEW} (a: the archive type, -1 for another), {@link #STORES_NULL},
     * {@link #STORES_FIELD} (a: the type the {@code getstatic} names, b: its field id), {@link #STORES_UNKNOWN}
     * (anything else, and every store outside a static initialiser) or {@link #STORES_HANDLE}.
     */
    record ClassCalls(int[] methodSigs, int[] methodAccess, int[] sites, int[] siteStart, List<String> provides,
                      int[] staticFinals, int[] stores, boolean serialStatics) {
    }

    /**
     * Records one class file's methods and calls during the scan's first pass. Not thread-safe.
     *
     * <p>It also follows, in one linear pass over each method's instructions, the few values whose origin
     * it needs: a reference read by {@code getstatic} of an archive class (which becomes the receiver of a
     * {@link #RECEIVER_FIELD} call when a virtual or interface call consumes it as its receiver) and, in a
     * static initialiser, a {@code new} or {@code aconst_null} (what a {@code putstatic} stores, see
     * {@link ClassCalls#stores}). A value is followed by its depth in the operand stack, updated by the exact
     * stack effect of each instruction (long and double take two slots, invocations and field instructions
     * by their descriptors); every value is dropped at a label (control may arrive with another stack),
     * a jump, switch, return or throw, a stack shuffle ({@code swap}, {@code dup_x*}, {@code dup2_x*}) or an
     * instruction this does not know, and a value is dropped as soon as an instruction consumes it other than
     * as the call's receiver, a {@code putstatic}'s value or a {@code checkcast}'s operand (which leaves the
     * same reference). So a value is only ever attributed where the stack proves it.
     */
    static final class Recorder {
        private final Ids ids;
        private final Sigs sigs;
        private final IntList methodSigs = new IntList();
        private final IntList methodAccess = new IntList();
        private final IntList siteStart = new IntList();
        private final List<String> provides = new ArrayList<>();
        private final IntList classSites = new IntList();
        private final LongSet seen = new LongSet();
        /** The receiver calls of the current method so far; null until it has one (most methods have none). */
        private Set<List<Integer>> seenReceivers;
        private final IntList staticFinals = new IntList();
        /** The names and descriptors of {@link #staticFinals}, to tell a store into one of them. */
        private final List<String> staticFinalNames = new ArrayList<>();
        private final List<String> staticFinalDescs = new ArrayList<>();
        private final IntList stores = new IntList();
        /** Whether the class declares a static {@code serialVersionUID} or {@code serialPersistentFields} (see {@link CallGraph#serialInit}). */
        private boolean serialStatics;
        private boolean inMethod;
        private boolean inInitialiser;
        /** The last owner looked up and its type index (-1: not an archive type): calls cluster by owner. */
        private String lastOwner;
        private int lastType;
        /** This class's signature ids and owners' type indices, by the identity of ASM's strings (see {@link #sig}). */
        private final IdentityCache sigCache = new IdentityCache();
        private final IdentityCache typeCache = new IdentityCache();

        /**
         * The values followed: depth (slots above it), origin ({@code STORES_*}) and its operand (the type);
         * for a field, its name and descriptor (interned only when a call or a store uses them).
         */
        private static final int MAX_TRACKED = 8;
        private final int[] depth = new int[MAX_TRACKED];
        private final int[] origin = new int[MAX_TRACKED];
        private final int[] operand = new int[MAX_TRACKED];
        private final String[] fieldName = new String[MAX_TRACKED];
        private final String[] fieldDesc = new String[MAX_TRACKED];
        private int tracked;

        Recorder(Ids ids) {
            this.ids = ids;
            this.sigs = ids.sigs;
        }

        void method(int access, String name, String descriptor) {
            endMethod();
            siteStart.add(classSites.size());
            // Straight to the shared ids: a class declares each signature once, so the class's cache would only miss.
            methodSigs.add(sigs.intern(name, descriptor));
            methodAccess.add(access);
            inMethod = true;
            inInitialiser = name.equals("<clinit>");
        }

        private void endMethod() {
            if (inMethod) {
                seen.clear();
                seenReceivers = null;
                inMethod = false;
                inInitialiser = false;
                tracked = 0;
            }
        }

        void provide(String internalName) {
            provides.add(internalName);
        }

        /**
         * A field the class declares: a static final one of a class or interface type with no constant value
         * can only be assigned by this class's own {@code putstatic} (see {@link #fieldTypes}).
         */
        void field(int access, String name, String descriptor, Object constant) {
            if ((access & Opcodes.ACC_STATIC) != 0 && (name.equals("serialVersionUID") || name.equals("serialPersistentFields"))) {
                serialStatics = true;
            }
            int staticFinal = Opcodes.ACC_STATIC | Opcodes.ACC_FINAL;
            if ((access & staticFinal) == staticFinal && constant == null && descriptor.charAt(0) == 'L') {
                staticFinals.add(sigs.field(name, descriptor));
                staticFinalNames.add(name);
                staticFinalDescs.add(descriptor);
            }
        }

        /**
         * The signature's id: looked up in this class's own cache first, by the identity of the strings (ASM
         * hands out one String per constant of the class's constant pool, so each distinct name and
         * descriptor pair is interned in {@link Sigs} once per class, not once per call site). Another
         * String of the same text (a duplicate constant) only misses the cache: {@link Sigs} gives it the same id.
         */
        private int sig(String name, String descriptor) {
            int id = sigCache.get(name, descriptor);
            if (id == IdentityCache.MISSING) {
                id = sigs.intern(name, descriptor);
                sigCache.put(name, descriptor, id);
            }
            return id;
        }

        /** The type index of an owner, -1 outside the archive ({@link #NAVIGATOR_OWNER} for one of those). */
        private int type(String owner) {
            if (owner != lastOwner) {
                int t = typeCache.get(owner, null);
                if (t == IdentityCache.MISSING) {
                    t = ids.type(owner);
                    typeCache.put(owner, null, t);
                }
                lastType = t;
                lastOwner = owner;
            }
            return lastType;
        }

        /** A method instruction; only calls to the archive's own classes are kept. */
        void call(int opcode, String owner, String name, String descriptor) {
            int type = type(owner);
            call(opcode, owner, name, descriptor, type, type >= 0 ? sig(name, descriptor) : -1);
        }

        /**
         * A method instruction whose owner's type and signature id are known already ({@link Ids}, kept with
         * the judged reference): {@code sig} is -1 unless {@code type} is an archive type.
         */
        void call(int opcode, String owner, String name, String descriptor, int type, int sig) {
            int kind = switch (opcode) {
                case Opcodes.INVOKESTATIC -> STATIC;
                case Opcodes.INVOKESPECIAL -> SPECIAL;
                default -> VIRTUAL;
            };
            int receiver = -1;
            if (tracked > 0) {
                int sizes = Type.getArgumentsAndReturnSizes(descriptor);
                int args = (sizes >> 2) - 1;
                if (kind == VIRTUAL) {
                    for (int i = 0; i < tracked; i++) {
                        if (depth[i] == args && origin[i] == STORES_FIELD) {
                            receiver = i;
                        }
                    }
                }
                int fieldType = receiver < 0 ? -1 : operand[receiver];
                int field = receiver < 0 ? -1 : sigs.field(fieldName[receiver], fieldDesc[receiver]);
                effect(kind == STATIC ? args : args + 1, sizes & 3);
                if (receiver >= 0 && type >= 0) {
                    receiverSite(type, sig, fieldType, field);
                    return;
                }
            }
            site(kind, type, sig, owner, name);
        }

        private void receiverSite(int type, int s, int fieldType, int field) {
            if (!inMethod) {
                return;
            }
            if (seenReceivers == null) {
                seenReceivers = new HashSet<>();
            }
            if (seenReceivers.add(List.of(type, s, fieldType, field))) {
                classSites.add(RECEIVER_FIELD);
                classSites.add(type);
                classSites.add(s);
                classSites.add(FIELD_REF);
                classSites.add(fieldType);
                classSites.add(field);
            }
        }

        /** A method handle: the call it stands for. */
        void handle(Handle h) {
            switch (h.getTag()) {
                case Opcodes.H_INVOKESTATIC -> site(STATIC, h.getOwner(), h.getName(), h.getDesc());
                case Opcodes.H_INVOKESPECIAL -> site(SPECIAL, h.getOwner(), h.getName(), h.getDesc());
                case Opcodes.H_NEWINVOKESPECIAL -> {
                    site(INIT, h.getOwner(), null, null);
                    site(SPECIAL, h.getOwner(), h.getName(), h.getDesc());
                }
                case Opcodes.H_INVOKEVIRTUAL, Opcodes.H_INVOKEINTERFACE -> site(VIRTUAL, h.getOwner(), h.getName(), h.getDesc());
                case Opcodes.H_GETSTATIC -> site(INIT, h.getOwner(), null, null);
                case Opcodes.H_PUTSTATIC -> {
                    site(INIT, h.getOwner(), null, null);
                    // The JDK refuses a setter of a final field; counted as an unknown store all the same.
                    if (h.getDesc().charAt(0) == 'L') {
                        store(sigs.field(h.getName(), h.getDesc()), STORES_HANDLE, 0, 0);
                    }
                }
                default -> {
                    // Instance field handles initialise nothing.
                }
            }
        }

        /** A type instruction's stack effect ({@link #init} records the class a {@code new} initialises). */
        void typeInsn(int opcode, String type) {
            if (opcode == Opcodes.CHECKCAST) {
                return; // the same reference, or an exception
            }
            if (tracked > 0) {
                effect(opcode == Opcodes.NEW ? 0 : 1, 1);
            }
            if (opcode == Opcodes.NEW && inInitialiser) {
                track(STORES_NEW, type(type), null, null);
            }
        }

        /** A field instruction's stack effect and stores ({@link #init} records the class a static one initialises). */
        void fieldInsn(int opcode, String owner, String name, String descriptor) {
            char c = descriptor.charAt(0);
            int size = c == 'J' || c == 'D' ? 2 : 1;
            if (opcode == Opcodes.PUTSTATIC && c == 'L' && inMethod && declaresStaticFinal(name, descriptor)) {
                // Recorded whatever the owner names: in this class, a putstatic through a subclass's name can
                // resolve to this class's field. Outside a static initialiser (class files before version 53
                // may assign a final field in any method of its class) the value is unknown. A store into a
                // field this class file does not declare static final cannot assign one of its static finals.
                int at = -1;
                for (int i = 0; inInitialiser && i < tracked; i++) {
                    if (depth[i] == 0) {
                        at = i;
                    }
                }
                int field = sigs.field(name, descriptor);
                if (at < 0) {
                    store(field, STORES_UNKNOWN, 0, 0);
                } else if (origin[at] == STORES_FIELD) {
                    store(field, STORES_FIELD, operand[at], sigs.field(fieldName[at], fieldDesc[at]));
                } else {
                    store(field, origin[at], operand[at], 0);
                }
            }
            if (tracked > 0) {
                switch (opcode) {
                    case Opcodes.GETSTATIC -> effect(0, size);
                    case Opcodes.PUTSTATIC -> effect(size, 0);
                    case Opcodes.GETFIELD -> effect(1, size);
                    default -> effect(1 + size, 0);
                }
            }
            if (opcode == Opcodes.GETSTATIC && c == 'L' && inMethod) {
                int type = type(owner);
                if (type >= 0) {
                    track(STORES_FIELD, type, name, descriptor);
                }
            }
        }

        /** Whether this class file declares a static final field {@code name} of type {@code descriptor} (fields come before methods). */
        private boolean declaresStaticFinal(String name, String descriptor) {
            for (int i = 0; i < staticFinalNames.size(); i++) {
                if (staticFinalNames.get(i).equals(name) && staticFinalDescs.get(i).equals(descriptor)) {
                    return true;
                }
            }
            return false;
        }

        /** An instruction without operand. */
        void insn(int opcode) {
            if (opcode == Opcodes.ACONST_NULL && inInitialiser) {
                effect(0, 1);
                track(STORES_NULL, 0, null, null);
                return;
            }
            if (tracked == 0) {
                return;
            }
            int e = opcode < INSN_EFFECT.length ? INSN_EFFECT[opcode] : -1;
            if (e < 0) {
                tracked = 0;
            } else {
                effect(e >> 4, e & 15);
            }
        }

        /** A local variable instruction; {@code ret} transfers control. */
        void varInsn(int opcode) {
            if (tracked == 0) {
                return;
            }
            switch (opcode) {
                case Opcodes.ILOAD, Opcodes.FLOAD, Opcodes.ALOAD -> effect(0, 1);
                case Opcodes.LLOAD, Opcodes.DLOAD -> effect(0, 2);
                case Opcodes.ISTORE, Opcodes.FSTORE, Opcodes.ASTORE -> effect(1, 0);
                case Opcodes.LSTORE, Opcodes.DSTORE -> effect(2, 0);
                default -> tracked = 0;
            }
        }

        /** {@code bipush}, {@code sipush}, {@code newarray}. */
        void intInsn(int opcode) {
            if (tracked > 0) {
                effect(opcode == Opcodes.NEWARRAY ? 1 : 0, 1);
            }
        }

        /** {@code ldc} of a constant: long, double and constant-dynamic of those take two slots. */
        void ldc(Object value) {
            if (tracked > 0) {
                boolean wide = value instanceof Long || value instanceof Double
                        || (value instanceof ConstantDynamic c && c.getSize() == 2);
                effect(0, wide ? 2 : 1);
            }
        }

        /**
         * An {@code invokedynamic}; through {@code LambdaMetafactory}, a {@link #LAMBDA} of the interface it
         * returns and of the marker interfaces {@code altMetafactory} adds (its {@code Class} arguments).
         */
        void invokeDynamic(String descriptor, Handle bootstrap, Object[] arguments) {
            if (inMethod && bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory")) {
                Type returned = Type.getReturnType(descriptor);
                if (returned.getSort() == Type.OBJECT) {
                    lambda(returned.getInternalName());
                }
                for (Object a : arguments) {
                    if (a instanceof Type t && t.getSort() == Type.OBJECT) {
                        lambda(t.getInternalName());
                    }
                }
            }
            if (tracked > 0) {
                int sizes = Type.getArgumentsAndReturnSizes(descriptor);
                effect((sizes >> 2) - 1, sizes & 3);
            }
        }

        private void lambda(String internalName) {
            int type = type(internalName);
            if (type >= 0) {
                add(LAMBDA, type, -1);
            }
        }

        void multiANewArray(int dimensions) {
            if (tracked > 0) {
                effect(dimensions, 1);
            }
        }

        /** A label (control may arrive with another stack), a jump or a switch: every value is dropped. */
        void flow() {
            tracked = 0;
        }

        /** Applies an instruction's stack effect: a value it consumes is dropped, the others move. */
        private void effect(int pops, int pushes) {
            int kept = 0;
            for (int i = 0; i < tracked; i++) {
                if (depth[i] >= pops) {
                    depth[kept] = depth[i] - pops + pushes;
                    origin[kept] = origin[i];
                    operand[kept] = operand[i];
                    fieldName[kept] = fieldName[i];
                    fieldDesc[kept] = fieldDesc[i];
                    kept++;
                }
            }
            tracked = kept;
        }

        /** A value just pushed on top of the stack. */
        private void track(int kind, int type, String name, String descriptor) {
            if (tracked == MAX_TRACKED) {
                // The deepest (oldest) value goes: dropping one is always safe.
                for (int i = 1; i < tracked; i++) {
                    depth[i - 1] = depth[i];
                    origin[i - 1] = origin[i];
                    operand[i - 1] = operand[i];
                    fieldName[i - 1] = fieldName[i];
                    fieldDesc[i - 1] = fieldDesc[i];
                }
                tracked--;
            }
            depth[tracked] = 0;
            origin[tracked] = kind;
            operand[tracked] = type;
            fieldName[tracked] = name;
            fieldDesc[tracked] = descriptor;
            tracked++;
        }

        private void store(int field, int kind, int a, int b) {
            stores.add(field);
            stores.add(kind);
            stores.add(a);
            stores.add(b);
        }

        /** An instruction that initialises a class (new, a static field), by the class's type index ({@link Ids#type}). */
        void init(int type) {
            if (inMethod && type >= 0) {
                add(INIT, type, -1);
            }
        }

        private void site(int kind, String owner, String name, String descriptor) {
            int type = inMethod ? type(owner) : -1;
            site(kind, type, type >= 0 && name != null ? sig(name, descriptor) : -1, owner, name);
        }

        /** A site of an owner of this type (a method's signature id, -1 for none); {@code name} null for none. */
        private void site(int kind, int type, int sig, String owner, String name) {
            if (!inMethod) {
                return;
            }
            if (type < 0) {
                if (name != null) {
                    external(type, owner, name);
                }
                return;
            }
            add(kind, type, name == null ? -1 : sig);
        }

        /** A call to a type outside the archive: kept only when it deserializes or hands out classes by metadata. */
        private void external(int type, String owner, String name) {
            if (DESERIALIZER_NAMES.contains(name) && deserializerNamesOf(owner).contains(name)) {
                add(DESERIALIZES, 0, -1);
            }
            if (SERIALIZER_NAMES.contains(name) && SERIALIZERS.getOrDefault(owner, Set.of()).contains(name)) {
                add(SERIALIZES, 0, -1);
            }
            if (type == NAVIGATOR_OWNER && (owner.startsWith("java/beans/") || NAVIGATORS.get(owner).contains(name))) {
                add(NAVIGATES, 0, -1);
            }
        }

        /** {@link #deserializerNames}, cached (a bounded cache: the owners come from the archives scanned). */
        private static Set<String> deserializerNamesOf(String owner) {
            Set<String> known = DESERIALIZER_OWNERS.get(owner);
            if (known != null) {
                return known;
            }
            Set<String> names = deserializerNames(owner);
            if (DESERIALIZER_OWNERS.size() < 1024) {
                DESERIALIZER_OWNERS.putIfAbsent(owner, names);
            }
            return names;
        }

        /**
         * The deserializing method names of a JDK type: those of each {@link #DESERIALIZERS} type it is a subtype of.
         * The owner's supertypes are walked once for all of them (a walk per type was seven walks of the same
         * supertypes for every owner of a call named like one, {@code get} above all).
         */
        private static Set<String> deserializerNames(String owner) {
            Set<String> supertypes = JdkTypes.instance().supertypesOf(owner);
            Set<String> names = new HashSet<>();
            for (Map.Entry<String, Set<String>> d : DESERIALIZERS.entrySet()) {
                if (supertypes.contains(d.getKey())) {
                    names.addAll(d.getValue());
                }
            }
            return Set.copyOf(names);
        }

        /** A {@code Class} object of this type (internal name or array descriptor) or of its array's element type. */
        void classObject(String internalNameOrArray) {
            if (inMethod) {
                classObject(internalNameOrArray.startsWith("[") ? Type.getType(internalNameOrArray)
                        : Type.getObjectType(internalNameOrArray));
            }
        }

        /** {@link #classObject(String)} of a type whose index is known already ({@link Ids#type}: -1 outside the archive). */
        void classObject(int type) {
            if (inMethod && type >= 0) {
                add(CLASS, type, -1);
            }
        }

        /** Every class a method or field descriptor names. */
        void classObjects(String descriptor) {
            if (!inMethod) {
                return;
            }
            if (descriptor.startsWith("(")) {
                for (Type t : Type.getArgumentTypes(descriptor)) {
                    classObject(t);
                }
                classObject(Type.getReturnType(descriptor));
            } else {
                classObject(Type.getType(descriptor));
            }
        }

        private void classObject(Type t) {
            Type element = t.getSort() == Type.ARRAY ? t.getElementType() : t;
            if (element.getSort() == Type.OBJECT) {
                int type = ids.type(element.getInternalName());
                if (type >= 0) {
                    add(CLASS, type, -1);
                }
            }
        }

        private void add(int kind, int type, int s) {
            long key = ((long) kind << 59) | ((long) type << 31) | (s & 0x7fffffffL);
            if (seen.add(key + 1)) {
                classSites.add(kind);
                classSites.add(type);
                classSites.add(s);
            }
        }

        ClassCalls finish() {
            endMethod();
            siteStart.add(classSites.size());
            return new ClassCalls(methodSigs.toArray(), methodAccess.toArray(), classSites.toArray(), siteStart.toArray(),
                    List.copyOf(provides), staticFinals.toArray(), stores.toArray(), serialStatics);
        }

        /**
         * Back to the state of a new recorder, every field of it, its tables kept ({@link Recorders}): what
         * {@link #finish} returned is copied out, so nothing of the last class file is left to read.
         */
        private void reset() {
            methodSigs.clear();
            methodAccess.clear();
            siteStart.clear();
            provides.clear();
            classSites.clear();
            seen.clear();
            seenReceivers = null;
            staticFinals.clear();
            staticFinalNames.clear();
            staticFinalDescs.clear();
            stores.clear();
            serialStatics = false;
            inMethod = false;
            inInitialiser = false;
            lastOwner = null;
            lastType = 0;
            sigCache.clear();
            typeCache.clear();
            // (fieldName and fieldDesc past tracked are never read: what they still hold is left to be overwritten)
            tracked = 0;
        }
    }

    /**
     * The recorders of one scan, reused from class file to class file: a recorder is some twenty small
     * objects, and allocating them for each of a large archive's thousands of class files was about 1 ms of a
     * warm Guava scan (JFR). A scan thread takes one per class file and gives it back once its calls are
     * copied out ({@link Recorder#finish}); one that failed midway is not given back. Thread-safe.
     */
    static final class Recorders {
        /** As many as the scan has threads, and a few more: past that, a recorder given back is dropped. */
        private static final int KEPT = 8;
        private final Ids ids;
        private final ArrayDeque<Recorder> free = new ArrayDeque<>();

        Recorders(Ids ids) {
            this.ids = ids;
        }

        synchronized Recorder take() {
            Recorder r = free.poll();
            return r != null ? r : new Recorder(ids);
        }

        /** Gives back a recorder whose {@link Recorder#finish} was taken (or which this scan no longer uses). */
        void give(Recorder r) {
            r.reset();
            synchronized (this) {
                if (free.size() < KEPT) {
                    free.push(r);
                }
            }
        }
    }

    /**
     * Per opcode without operand: its stack effect as {@code pops << 4 | pushes} in slots, or -1 for one that
     * transfers control or shuffles the stack (every value followed is then dropped). {@code dup} and
     * {@code dup2} copy the top without moving what lies below: they push one or two slots.
     */
    private static final int[] INSN_EFFECT = insnEffects();

    private static int[] insnEffects() {
        int[] e = new int[Opcodes.MONITOREXIT + 1];
        Arrays.fill(e, -1);
        e[Opcodes.NOP] = 0;
        e[Opcodes.ACONST_NULL] = 0x01;
        for (int op = Opcodes.ICONST_M1; op <= Opcodes.ICONST_5; op++) {
            e[op] = 0x01;
        }
        e[Opcodes.LCONST_0] = 0x02;
        e[Opcodes.LCONST_1] = 0x02;
        e[Opcodes.FCONST_0] = 0x01;
        e[Opcodes.FCONST_1] = 0x01;
        e[Opcodes.FCONST_2] = 0x01;
        e[Opcodes.DCONST_0] = 0x02;
        e[Opcodes.DCONST_1] = 0x02;
        e[Opcodes.IALOAD] = 0x21;
        e[Opcodes.LALOAD] = 0x22;
        e[Opcodes.FALOAD] = 0x21;
        e[Opcodes.DALOAD] = 0x22;
        e[Opcodes.AALOAD] = 0x21;
        e[Opcodes.BALOAD] = 0x21;
        e[Opcodes.CALOAD] = 0x21;
        e[Opcodes.SALOAD] = 0x21;
        e[Opcodes.IASTORE] = 0x30;
        e[Opcodes.LASTORE] = 0x40;
        e[Opcodes.FASTORE] = 0x30;
        e[Opcodes.DASTORE] = 0x40;
        e[Opcodes.AASTORE] = 0x30;
        e[Opcodes.BASTORE] = 0x30;
        e[Opcodes.CASTORE] = 0x30;
        e[Opcodes.SASTORE] = 0x30;
        e[Opcodes.POP] = 0x10;
        e[Opcodes.POP2] = 0x20;
        e[Opcodes.DUP] = 0x01;
        e[Opcodes.DUP2] = 0x02;
        // IADD .. DREM: int, long, float, double in turn.
        for (int op = Opcodes.IADD; op <= Opcodes.DREM; op++) {
            e[op] = (op - Opcodes.IADD) % 2 == 0 ? 0x21 : 0x42;
        }
        e[Opcodes.INEG] = 0x11;
        e[Opcodes.LNEG] = 0x22;
        e[Opcodes.FNEG] = 0x11;
        e[Opcodes.DNEG] = 0x22;
        for (int op = Opcodes.ISHL; op <= Opcodes.LUSHR; op++) {
            e[op] = (op - Opcodes.ISHL) % 2 == 0 ? 0x21 : 0x32;
        }
        for (int op = Opcodes.IAND; op <= Opcodes.LXOR; op++) {
            e[op] = (op - Opcodes.IAND) % 2 == 0 ? 0x21 : 0x42;
        }
        e[Opcodes.I2L] = 0x12;
        e[Opcodes.I2F] = 0x11;
        e[Opcodes.I2D] = 0x12;
        e[Opcodes.L2I] = 0x21;
        e[Opcodes.L2F] = 0x21;
        e[Opcodes.L2D] = 0x22;
        e[Opcodes.F2I] = 0x11;
        e[Opcodes.F2L] = 0x12;
        e[Opcodes.F2D] = 0x12;
        e[Opcodes.D2I] = 0x21;
        e[Opcodes.D2L] = 0x22;
        e[Opcodes.D2F] = 0x21;
        e[Opcodes.I2B] = 0x11;
        e[Opcodes.I2C] = 0x11;
        e[Opcodes.I2S] = 0x11;
        e[Opcodes.LCMP] = 0x41;
        e[Opcodes.FCMPL] = 0x21;
        e[Opcodes.FCMPG] = 0x21;
        e[Opcodes.DCMPL] = 0x41;
        e[Opcodes.DCMPG] = 0x41;
        e[Opcodes.ARRAYLENGTH] = 0x11;
        e[Opcodes.MONITORENTER] = 0x10;
        e[Opcodes.MONITOREXIT] = 0x10;
        // Returns, athrow, swap, dup_x1, dup_x2, dup2_x1, dup2_x2: -1.
        return e;
    }

    /** A method signature: its name and descriptor. */
    record SigKey(String name, String descriptor) {

        /** Written out rather than generated: see {@code ReferenceJudge.MemberKey}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof SigKey k && name.equals(k.name) && descriptor.equals(k.descriptor);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + descriptor.hashCode();
        }

        /** Whether this is {@code sig}, written {@code name + descriptor}, without building that string. */
        boolean is(String sig) {
            return sig.length() == name.length() + descriptor.length() && sig.startsWith(name)
                    && sig.startsWith(descriptor, name.length());
        }

        /** Whether {@code name + descriptor} starts with {@code prefix}, without building that string. */
        boolean startsWith(String prefix) {
            if (name.length() >= prefix.length()) {
                return name.startsWith(prefix);
            }
            return prefix.startsWith(name) && descriptor.regionMatches(0, prefix, name.length(), prefix.length() - name.length());
        }

        @Override
        public String toString() {
            return name + descriptor;
        }
    }

    /**
     * One archive type: its name, whether an interface, its superclass and interfaces (names). {@code merged}
     * when its class files disagree on these: then it is an interface if any says so, and {@code interfaces}
     * also holds the other files' superclasses (the graph gives it the supertypes of every file).
     */
    record ArchiveType(String name, boolean isInterface, String superclass, List<String> interfaces, boolean merged) {

        ArchiveType(String name, boolean isInterface, String superclass, List<String> interfaces) {
            this(name, isInterface, superclass, interfaces, false);
        }

        /** This type with the header of another class file of the same name. */
        ArchiveType merge(boolean otherIsInterface, String otherSuperclass, List<String> otherInterfaces) {
            List<String> all = new ArrayList<>(interfaces);
            for (String i : otherInterfaces) {
                if (!all.contains(i)) {
                    all.add(i);
                }
            }
            if (otherSuperclass != null && !otherSuperclass.equals(superclass) && !all.contains(otherSuperclass)) {
                all.add(otherSuperclass);
            }
            boolean differs = otherIsInterface != isInterface || all.size() != interfaces.size();
            return differs ? new ArchiveType(name, isInterface || otherIsInterface, superclass, List.copyOf(all), true) : this;
        }

        /** Whether one of its class files names {@code superclassName} as its superclass (or, merged, any supertype). */
        boolean extendsClass(String superclassName) {
            return superclassName.equals(superclass) || (merged && interfaces.contains(superclassName));
        }
    }

    private final SigKey[] sigNames;
    private final List<ArchiveType> types;
    private final int[] unitType;
    private final int[] unitFirst;
    private final int[] nodeUnit;
    private final int[] nodeSig;
    private final int[] nodeAccess;
    /** Per class file: its calls ({@link ClassCalls#sites}); per node: where its calls start and end in that array. */
    private final int[][] unitSites;
    private final int[] nodeSiteFrom;
    private final int[] nodeSiteTo;
    /** Per node: the node it was first reached from, itself for an entry point, -1 when unreachable. */
    private final int[] parent;
    private final boolean[] typeLive;

    private CallGraph(SigKey[] sigNames, List<ArchiveType> types, int[] unitType, int[] unitFirst, int[] nodeUnit,
                      int[] nodeSig, int[] nodeAccess, int[][] unitSites, int[] nodeSiteFrom,
                      int[] nodeSiteTo, int[] parent, boolean[] typeLive) {
        this.sigNames = sigNames;
        this.types = types;
        this.unitType = unitType;
        this.unitFirst = unitFirst;
        this.nodeUnit = nodeUnit;
        this.nodeSig = nodeSig;
        this.nodeAccess = nodeAccess;
        this.unitSites = unitSites;
        this.nodeSiteFrom = nodeSiteFrom;
        this.nodeSiteTo = nodeSiteTo;
        this.parent = parent;
        this.typeLive = typeLive;
    }

    /**
     * Builds the graph and searches it.
     *
     * @param types       the archive's types, by type index
     * @param unitType    per class file (archive order), its type index, -1 for a module descriptor
     * @param calls       per class file, what it recorded (null for a module descriptor)
     * @param entryUnits  per class file, whether it is annotated {@code @StigmemPlugin}
     * @param services    class names (internal form) listed by the archive's {@code META-INF/services} files
     * @param hostUnits   per class file, whether it stands in a jar the host replaces by its own copy (substitute-module)
     * @param maxSize     bound of {@code ScanLimits#maxCallGraphSize}
     * @param where       names the archive in a limit's message
     */
    static CallGraph build(List<ArchiveType> types, Map<String, Integer> typeIndex, int[] unitType, List<ClassCalls> calls,
                           boolean[] entryUnits, Set<String> services, boolean[] hostUnits, Sigs sigs, JdkTypes jdk, int maxSize,
                           String where) {
        int units = unitType.length;
        int[] unitFirst = new int[units + 1];
        long size = 0;
        int nodes = 0;
        for (int u = 0; u < units; u++) {
            unitFirst[u] = nodes;
            ClassCalls c = calls.get(u);
            if (c != null) {
                nodes += c.methodSigs().length;
                // One per method and one per call, as when each method had its own array.
                size += c.sites().length / 3 + c.methodSigs().length;
            }
        }
        unitFirst[units] = nodes;
        Budget budget = new Budget(maxSize, where);
        budget.spend(size);
        int[] nodeUnit = new int[nodes];
        int[] nodeSig = new int[nodes];
        int[] nodeAccess = new int[nodes];
        int[][] unitSites = new int[units][];
        int[][] unitStaticFinals = new int[units][];
        int[][] unitStores = new int[units][];
        int[] nodeSiteFrom = new int[nodes];
        int[] nodeSiteTo = new int[nodes];
        // The class files of each type (more than one for multi-release jars) and the nodes declaring each signature.
        List<IntList> typeUnits = new ArrayList<>(types.size());
        for (int t = 0; t < types.size(); t++) {
            typeUnits.add(new IntList());
        }
        boolean[] serialInit = new boolean[types.size()];
        SigKey[] sigNames = sigs.keys();
        // Per signature id (dense): the nodes declaring it, in node order; each array sized once, by a count first.
        int[] declaring = new int[sigNames.length];
        for (ClassCalls c : calls) {
            if (c != null) {
                count(c.methodSigs(), declaring);
            }
        }
        int[][] declarers = new int[sigNames.length][];
        for (int sig = 0; sig < declaring.length; sig++) {
            if (declaring[sig] > 0) {
                declarers[sig] = new int[declaring[sig]];
                declaring[sig] = 0;
            }
        }
        int[] parent = new int[nodes];
        Arrays.fill(parent, -1);
        boolean[] typeLive = new boolean[types.size()];
        CallGraph g = new CallGraph(sigNames, types, unitType, unitFirst, nodeUnit, nodeSig, nodeAccess, unitSites, nodeSiteFrom, nodeSiteTo, parent,
                typeLive);
        for (int u = 0; u < units; u++) {
            ClassCalls c = calls.get(u);
            if (c == null) {
                continue;
            }
            typeUnits.get(unitType[u]).add(u);
            serialInit[unitType[u]] |= c.serialStatics();
            unitSites[u] = c.sites();
            unitStaticFinals[u] = c.staticFinals();
            unitStores[u] = c.stores();
            g.addNodes(u, c, declarers, declaring);
        }
        Hierarchy h = new Hierarchy(types, typeIndex, jdk, budget, sigs);
        g.unitStaticFinals = unitStaticFinals;
        g.serialInit = serialInit;
        g.unitStores = unitStores;
        g.search(h, typeUnits, declarers, entryUnits, services, hostUnits, sigs, typeIndex);
        return g;
    }

    /*
     * Why build and search keep the bodies of their long loops (per class file, per type, per method node, per
     * node reached) in methods of their own: both run once per scan, so in a short-lived JVM (the command line)
     * a loop in them runs interpreted until the JIT compiles the whole enclosing method from inside the loop
     * (on-stack replacement, after tens of thousands of back edges), which costs as much as the method is large,
     * once per such loop. A body called a few hundred times is compiled on its own instead, and small.
     */

    /** Counts one class file's declarations of each signature into {@code declaring}. */
    private static void count(int[] methodSigs, int[] declaring) {
        for (int sig : methodSigs) {
            declaring[sig]++;
        }
    }

    /** Numbers class file {@code u}'s methods as nodes, from {@code unitFirst[u]} on, each among the declarers of its signature. */
    private void addNodes(int u, ClassCalls c, int[][] declarers, int[] declaring) {
        int[] sigs = c.methodSigs();
        int[] starts = c.siteStart();
        for (int m = 0; m < sigs.length; m++) {
            int n = unitFirst[u] + m;
            nodeUnit[n] = u;
            nodeSig[n] = sigs[m];
            nodeAccess[n] = c.methodAccess()[m];
            nodeSiteFrom[n] = starts[m];
            nodeSiteTo[n] = starts[m + 1];
            declarers[sigs[m]][declaring[sigs[m]]++] = n;
        }
    }

    /** Counts the graph's size against its bound. */
    static final class Budget {
        private final long max;
        private final String where;
        private long used;

        Budget(long max, String where) {
            this.max = max;
            this.where = where;
        }

        void spend(long n) {
            used += n;
            if (used > max) {
                throw new ScanLimitException(String.format(Locale.ROOT,
                        "%s: the call graph of the archive's classes is larger than %d entries (calls between its classes"
                                + " and supertype links), the limit", where, max));
            }
        }
    }

    /** The archive types' archive ancestors (sorted type indices) and the overridable signatures of their supertypes outside the archive. */
    static final class Hierarchy {
        final int[][] ancestors;
        final int[] superclass;
        /** Per type: the ids of the archive's signatures that some external supertype declares overridable. */
        final List<java.util.BitSet> externalSigs;

        Hierarchy(List<ArchiveType> types, Map<String, Integer> typeIndex, JdkTypes jdk, Budget budget, Sigs sigIds) {
            int n = types.size();
            ancestors = new int[n][];
            superclass = new int[n];
            externalSigs = new ArrayList<>(n);
            byName = new boolean[n];
            serializable = new boolean[n];
            externalizable = new boolean[n];
            deserializer = new boolean[n];
            provider = new boolean[n];
            for (int t = 0; t < n; t++) {
                ArchiveType at = types.get(t);
                Integer s = at.superclass() == null ? null : typeIndex.get(at.superclass());
                superclass[t] = s == null ? -1 : s;
            }
            // Each type's direct supertypes, resolved once: archive ones by type index, the others by an id per
            // distinct name, with what that supertype means for the types below it (externalFacts).
            int[][] directArchive = new int[n][];
            int[][] directExternal = new int[n][];
            Map<String, Integer> externalIds = new HashMap<>();
            List<ExternalFacts> externalOf = new ArrayList<>();
            IntList archiveSupers = new IntList();
            IntList externalSupers = new IntList();
            for (int t = 0; t < n; t++) {
                ArchiveType at = types.get(t);
                archiveSupers.clear();
                externalSupers.clear();
                for (int i = 0; i <= at.interfaces().size(); i++) {
                    String d = i < at.interfaces().size() ? at.interfaces().get(i) : at.superclass();
                    if (d == null) {
                        continue;
                    }
                    int di;
                    if (i < at.interfaces().size()) {
                        Integer found = typeIndex.get(d);
                        di = found == null ? -1 : found;
                    } else {
                        di = superclass[t]; // looked up above
                    }
                    if (di >= 0) {
                        archiveSupers.add(di);
                    } else {
                        Integer id = externalIds.get(d);
                        if (id == null) {
                            id = externalOf.size();
                            externalIds.put(d, id);
                            externalOf.add(externalFacts(d, jdk, sigIds));
                        }
                        externalSupers.add(id);
                    }
                }
                directArchive[t] = archiveSupers.toArray();
                directExternal[t] = externalSupers.toArray();
            }
            // What a type's external supertypes mean is the union of what each means: the same for every type
            // with the same set of them (most types: Object alone, or a few collection interfaces), made once per set.
            Map<List<Integer>, ExternalFacts> ofSets = new HashMap<>();
            ExternalFacts none = new ExternalFacts(0, new java.util.BitSet());
            // The walk's state, reused from type to type: seen[a] == t + 1 once a is an ancestor of t.
            int[] seen = new int[n];
            int[] todo = new int[n];
            IntList found = new IntList();
            IntList external = new IntList();
            for (int t = 0; t < n; t++) {
                // Archive ancestors (itself included) and the external types directly above any of them.
                found.clear();
                external.clear();
                int top = 0;
                todo[top++] = t;
                seen[t] = t + 1;
                while (top > 0) {
                    int a = todo[--top];
                    found.add(a);
                    for (int d : directArchive[a]) {
                        if (seen[d] != t + 1) {
                            seen[d] = t + 1;
                            todo[top++] = d;
                        }
                    }
                    for (int e : directExternal[a]) {
                        external.add(e);
                    }
                }
                int[] anc = found.toArray();
                Arrays.sort(anc);
                budget.spend(anc.length);
                ancestors[t] = anc;
                // Sorted, each once (several ancestors can name the same one).
                int[] ids = external.toArray();
                Arrays.sort(ids);
                int distinct = 0;
                for (int i = 0; i < ids.length; i++) {
                    if (distinct == 0 || ids[i] != ids[distinct - 1]) {
                        ids[distinct++] = ids[i];
                    }
                }
                ExternalFacts facts;
                if (distinct == 0) {
                    facts = none;
                } else if (distinct == 1) {
                    facts = externalOf.get(ids[0]);
                } else {
                    List<Integer> key = new ArrayList<>(distinct);
                    for (int i = 0; i < distinct; i++) {
                        key.add(ids[i]);
                    }
                    facts = ofSets.computeIfAbsent(key, k -> union(k, externalOf));
                }
                int kinds = facts.kinds();
                byName[t] = (kinds & 1) != 0;
                serializable[t] = (kinds & 2) != 0;
                externalizable[t] = (kinds & 4) != 0;
                deserializer[t] = (kinds & 8) != 0;
                provider[t] = (kinds & 16) != 0;
                externalSigs.add(facts.sigs());
            }
        }

        /** What a set of external supertypes means for an archive type below them (see {@link #externalFacts}). */
        private record ExternalFacts(int kinds, java.util.BitSet sigs) {
        }

        /**
         * What one external supertype means for an archive type below it: the kinds of JDK types it is or extends
         * (bits: instantiated by name, serializable, externalizable, deserializer, provider) and the ids of the
         * archive's signatures it declares overridable. Its supertypes are walked once for the five kinds (as
         * Recorder#deserializerNames does).
         */
        private static ExternalFacts externalFacts(String external, JdkTypes jdk, Sigs sigIds) {
            Set<String> supers = jdk.supertypesOf(external);
            int kinds = (anyOf(supers, JDK_INSTANTIATED) ? 1 : 0)
                    | (anyOf(supers, SERIALIZABLE) ? 2 : 0)
                    | (anyOf(supers, EXTERNALIZABLE) ? 4 : 0)
                    | (anyOf(supers, DESERIALIZERS.keySet()) ? 8 : 0)
                    // Every Provider a plugin can link is in java.security (AuthProvider included).
                    | (external.startsWith("java/security/") && anyOf(supers, PROVIDER_TYPES) ? 16 : 0);
            java.util.BitSet ids = new java.util.BitSet();
            for (String sig : jdk.overridableThroughout(external)) {
                int id = sigIds.find(sig);
                if (id >= 0) {
                    ids.set(id);
                }
            }
            return new ExternalFacts(kinds, ids);
        }

        /** The union of what each of these external supertypes ({@code externalOf} ids) means. */
        private static ExternalFacts union(List<Integer> ids, List<ExternalFacts> externalOf) {
            int kinds = 0;
            java.util.BitSet sigs = new java.util.BitSet();
            for (int id : ids) {
                kinds |= externalOf.get(id).kinds();
                sigs.or(externalOf.get(id).sigs());
            }
            return new ExternalFacts(kinds, sigs);
        }

        /** Whether {@code supertypes} ({@link JdkTypes#supertypesOf}) holds one of {@code kinds}. */
        private static boolean anyOf(Set<String> supertypes, Set<String> kinds) {
            for (String k : kinds) {
                if (supertypes.contains(k)) {
                    return true;
                }
            }
            return false;
        }

        /** Per type: whether the JDK instantiates it by name (a subclass of a {@link #JDK_INSTANTIATED} type). */
        final boolean[] byName;
        /** Per type: whether it is {@code Serializable}, {@code Externalizable}, a subtype of a {@link #DESERIALIZERS} type. */
        final boolean[] serializable;
        final boolean[] externalizable;
        final boolean[] deserializer;
        /** Per type: whether it is a {@code java.security.Provider} (see {@link #PROVIDER_TYPES}). */
        final boolean[] provider;
        private static final Set<String> SERIALIZABLE = Set.of("java/io/Serializable");
        private static final Set<String> EXTERNALIZABLE = Set.of("java/io/Externalizable");

        boolean isSubtype(int sub, int sup) {
            return Arrays.binarySearch(ancestors[sub], sup) >= 0;
        }

        /** Per type, its archive subtypes (itself included), made on first use. */
        private int[][] descendants;

        /**
         * Whether some archive class is a subtype of both: then a method {@code b} declares can be the
         * implementation of {@code a}'s method in that class ({@code class T extends S implements X}:
         * {@code S.go()} implements {@code X.go()} for a T, though S and X are unrelated).
         */
        boolean shareSubtype(int a, int b) {
            descendants();
            for (int t : descendants[a]) {
                if (isSubtype(t, b)) {
                    return true;
                }
            }
            return false;
        }

        /** Per type, the types related to it, as a bit set: null until made, {@link #NO_RELATED} when too costly. */
        private long[][] related;
        /** The memory ({@code long}s) and work (ancestors visited) every {@link #related} set of an archive may take. */
        static final int RELATED_WORDS = 1 << 20;
        static final int RELATED_WORK = 1 << 24;
        /** {@link #RELATED_WORDS} and {@link #RELATED_WORK}; lower in tests, to take the way past them. */
        int maxRelatedWords = RELATED_WORDS;
        long maxRelatedWork = RELATED_WORK;
        private static final long[] NO_RELATED = new long[0];
        private int relatedWords;
        private long relatedWork;

        /**
         * Whether {@code d} is an archive ancestor of an archive subtype of {@code type} (itself included):
         * {@code isSubtype(d, type) || isSubtype(type, d) || shareSubtype(type, d)}, which is the same (a type
         * is its own ancestor and its own subtype). Answered from a bit set of those ancestors made once per
         * type, within bounds of memory and work per archive; past them, by the three tests.
         */
        boolean related(int type, int d) {
            if (related == null) {
                related = new long[ancestors.length][];
            }
            long[] bits = related[type];
            if (bits == null) {
                bits = NO_RELATED;
                descendants();
                int words = (ancestors.length + 63) >>> 6;
                long work = 0;
                for (int t : descendants[type]) {
                    work += ancestors[t].length;
                }
                if (relatedWords + words <= maxRelatedWords && relatedWork + work <= maxRelatedWork) {
                    relatedWords += words;
                    relatedWork += work;
                    bits = new long[words];
                    for (int t : descendants[type]) {
                        for (int a : ancestors[t]) {
                            bits[a >>> 6] |= 1L << a;
                        }
                    }
                }
                related[type] = bits;
            }
            if (bits == NO_RELATED) {
                return isSubtype(d, type) || isSubtype(type, d) || shareSubtype(type, d);
            }
            return (bits[d >>> 6] & (1L << d)) != 0;
        }

        private void descendants() {
            if (descendants == null) {
                IntList[] lists = new IntList[ancestors.length];
                for (int t = 0; t < ancestors.length; t++) {
                    for (int anc : ancestors[t]) {
                        (lists[anc] == null ? lists[anc] = new IntList() : lists[anc]).add(t);
                    }
                }
                int[][] made = new int[ancestors.length][];
                for (int t = 0; t < made.length; t++) {
                    made[t] = lists[t] == null ? new int[0] : lists[t].toArray();
                }
                descendants = made;
            }
        }
    }

    private static final int CONSTRUCTOR = 1;
    private static final int INITIALISER = 2;
    private static final int READ_HOOK = 4;
    /**
     * A no-argument {@code values}, whatever it returns: the JDK finds an enum's by name
     * ({@code Class#getEnumConstants} calls {@code getMethod("values")}) and invokes it before it casts the result.
     */
    private static final int VALUES = 8;
    private static final int PROVIDER = 16;
    private static final int WRITE_HOOK = 32;
    /** A name of {@link #DESERIALIZER_NAMES}: a call of it to an archive subtype of a deserializer deserializes. */
    private static final int DESERIALIZER = 64;
    /** Per signature id: what its name says ({@link #CONSTRUCTOR}, ...), computed once rather than per node. */
    private int[] sigFlags;

    /**
     * A signature {@link #flags} recognises, whole or as a prefix, and the flag it gives: {@code text} is the
     * joined signature ({@code name + descriptor}) in {@link #SIG_RULES}, its descriptor part in
     * {@link #RULES_BY_NAME}.
     */
    private record SigRule(String text, int flag, boolean whole) {
        boolean matches(SigKey k) {
            return whole ? k.is(text) : k.startsWith(text);
        }

        boolean matchesDescriptor(String descriptor) {
            return whole ? descriptor.equals(text) : descriptor.startsWith(text);
        }
    }

    /** Every rule of {@link #flags} but {@link #DESERIALIZER_NAMES}: the hooks whole, the rest as prefixes. */
    private static final List<SigRule> SIG_RULES;
    /**
     * {@link #SIG_RULES} by the name before their '(', each with its descriptor part alone; and
     * {@link #DESERIALIZER_NAMES}, as the empty prefix: a signature whose name holds no '(' and whose
     * descriptor starts with one splits its joined form at the name's end, so a rule applies to it exactly
     * when its name is the rule's name and its descriptor matches the rest.
     */
    private static final Map<String, SigRule[]> RULES_BY_NAME;

    static {
        List<SigRule> rules = new ArrayList<>(List.of(new SigRule("<init>(", CONSTRUCTOR, false),
                new SigRule("<clinit>(", INITIALISER, false), new SigRule("values()", VALUES, false),
                new SigRule("provider()", PROVIDER, false)));
        for (String hook : READ_HOOKS) {
            rules.add(new SigRule(hook, READ_HOOK, true));
        }
        for (String hook : WRITE_HOOKS) {
            rules.add(new SigRule(hook, WRITE_HOOK, true));
        }
        SIG_RULES = List.copyOf(rules);
        Map<String, List<SigRule>> byName = new HashMap<>();
        for (SigRule r : SIG_RULES) {
            String name = r.text().substring(0, r.text().indexOf('('));
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(new SigRule(r.text().substring(name.length()), r.flag(), r.whole()));
        }
        for (String name : DESERIALIZER_NAMES) {
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(new SigRule("(", DESERIALIZER, false));
        }
        Map<String, SigRule[]> frozen = new HashMap<>();
        byName.forEach((name, list) -> frozen.put(name, list.toArray(new SigRule[0])));
        RULES_BY_NAME = Collections.unmodifiableMap(frozen); // (a HashMap: see SERIALIZER_NAMES)
        long lengths = 0;
        boolean[] starts = new boolean[128];
        for (String name : frozen.keySet()) {
            if (name.isEmpty() || name.length() >= 64 || name.charAt(0) >= 128) {
                throw new ExceptionInInitializerError("a rule name the filter cannot hold: " + name);
            }
            lengths |= 1L << name.length();
            starts[name.charAt(0)] = true;
        }
        RULE_NAME_LENGTHS = lengths;
        RULE_NAME_STARTS = starts;
    }

    /**
     * A filter in front of {@link #RULES_BY_NAME}: the lengths (bits) and first characters of its names. Most
     * names pass neither, so they cost no hash lookup: {@link Sigs} computes {@link #flags} for each new
     * signature under its lock, some 25,000 per Guava scan, and the lookup was a tenth of what the call graph
     * adds to a warm scan (JFR, bench/run --reach, broad entry).
     */
    private static final long RULE_NAME_LENGTHS;
    private static final boolean[] RULE_NAME_STARTS;

    /** Whether {@code name} may be a name of {@link #RULES_BY_NAME} (no false negative: each of its names passes). */
    private static boolean mayHaveRules(String name) {
        int len = name.length();
        if (len >= 64 || (RULE_NAME_LENGTHS & (1L << len)) == 0) {
            return false;
        }
        char first = name.charAt(0); // len > 0: no rule name is empty, so bit 0 is clear
        return first < 128 && RULE_NAME_STARTS[first];
    }

    /**
     * What a signature's name says ({@link #CONSTRUCTOR}, ...): computed by {@link Sigs} as it interns the
     * signature, while its strings are at hand, rather than by walking every signature's strings again here.
     * One lookup by name (whose hash the interning has computed already) settles an ordinary signature; one
     * with a '(' in its name or a descriptor that does not start with one is matched on its joined form
     * ({@link #joinedFlags}: the JVM refuses such a method, but the scan reads it all the same).
     */
    static int flags(SigKey k) {
        String descriptor = k.descriptor();
        if (!descriptor.startsWith("(") || k.name().indexOf('(') >= 0) {
            return joinedFlags(k);
        }
        if (!mayHaveRules(k.name())) {
            return 0;
        }
        SigRule[] rules = RULES_BY_NAME.get(k.name());
        if (rules == null) {
            return 0;
        }
        int flags = 0;
        for (SigRule r : rules) {
            if (r.matchesDescriptor(descriptor)) {
                flags |= r.flag();
            }
        }
        return flags;
    }

    /** {@link #flags} rule by rule on the joined signature ({@code name + descriptor}); right for any key. */
    static int joinedFlags(SigKey k) {
        int flags = 0;
        for (SigRule r : SIG_RULES) {
            if (r.matches(k)) {
                flags |= r.flag();
            }
        }
        return flags | (DESERIALIZER_NAMES.contains(k.name()) ? DESERIALIZER : 0);
    }

    private void search(Hierarchy h, List<IntList> typeUnits, int[][] declarers, boolean[] entryUnits,
                        Set<String> services, boolean[] hostUnits, Sigs sigs, Map<String, Integer> typeIndex) {
        int nodes = parent.length;
        sigFlags = sigs.flags(sigNames.length);
        boolean[] entry = new boolean[nodes];
        boolean[] entryTypes = new boolean[types.size()];
        for (int u = 0; u < unitType.length; u++) {
            if (unitType[u] >= 0 && entryUnits[u]) {
                entryTypes[unitType[u]] = true;
            }
        }
        for (String s : services) {
            Integer t = typeIndex.get(s);
            if (t != null) {
                entryTypes[t] = true;
            }
        }
        // Per type: whether it names Plugin as a direct supertype (looked up once, not once per subtype).
        boolean[] pluginDirect = new boolean[types.size()];
        for (int t = 0; t < types.size(); t++) {
            pluginDirect[t] = types.get(t).interfaces().contains(PLUGIN) || PLUGIN.equals(types.get(t).superclass());
        }
        for (int t = 0; t < types.size(); t++) {
            if (h.byName[t] || anyMarked(h.ancestors[t], pluginDirect)) {
                entryTypes[t] = true;
            }
        }
        for (int n = 0; n < nodes; n++) {
            entry[n] = entryNode(n, entryTypes);
        }
        // Overrides of external methods: for each type, every method of it or of an archive ancestor
        // whose signature some external supertype declares (an inherited implementation serves too).
        for (int t = 0; t < types.size(); t++) {
            java.util.BitSet ext = h.externalSigs.get(t);
            if (ext.isEmpty()) {
                continue;
            }
            for (int a : h.ancestors[t]) {
                markOverrides(typeUnits.get(a), ext, entry);
            }
        }
        hostOverrides(h, typeUnits, hostUnits, entry);
        IntQueue queue = new IntQueue(nodes);
        instantiated = new boolean[types.size()];
        waiting = new IntList[types.size()];
        parked = new boolean[nodes];
        for (int n = 0; n < nodes; n++) {
            if (entry[n]) {
                // An override of an external method or a write hook runs only on an instance: it waits for its class.
                reach(n, n, false, queue);
            }
        }
        this.h = h;
        this.typeUnits = typeUnits;
        typeNodes = new int[types.size()];
        typeInterface = new boolean[types.size()];
        for (int t = 0; t < types.size(); t++) {
            typeInterface[t] = types.get(t).isInterface();
            for (int i = 0; i < typeUnits.get(t).size(); i++) {
                int u = typeUnits.get(t).get(i);
                typeNodes[t] += unitFirst[u + 1] - unitFirst[u];
            }
        }
        isEnum = new boolean[types.size()];
        for (int t = 0; t < types.size(); t++) {
            isEnum[t] = types.get(t).extendsClass("java/lang/Enum");
        }
        classObject = new boolean[types.size()];
        // Each distinct call (kind, type, signature) is resolved and walked once.
        LongSet walkedCalls = new LongSet();
        int clinit = sigs.find("<clinit>()V");
        clinitSig = clinit;
        while (!queue.isEmpty()) {
            visit(queue.poll(), walkedCalls, clinit, declarers, queue);
        }
    }

    /** Whether any type of {@code types} is marked. */
    private static boolean anyMarked(int[] types, boolean[] marked) {
        for (int t : types) {
            if (marked[t]) {
                return true;
            }
        }
        return false;
    }

    /** Whether node {@code n} is an entry point by what it is: a constructor, initialiser or provider of an entry type, or a write hook. */
    private boolean entryNode(int n, boolean[] entryTypes) {
        int flags = sigFlags[nodeSig[n]];
        int t = unitType[nodeUnit[n]];
        boolean isStatic = (nodeAccess[n] & Opcodes.ACC_STATIC) != 0;
        if ((flags & (CONSTRUCTOR | INITIALISER | PROVIDER)) != 0 && entryTypes[t] && ((flags & PROVIDER) == 0 || isStatic)) {
            return true;
        }
        // Serialization runs them on an instance that exists: they wait for a constructor, as overrides do.
        return (flags & WRITE_HOOK) != 0 && !isStatic;
    }

    /** Marks the instance methods (neither static nor private) of these class files whose signature is in {@code ext}. */
    private void markOverrides(IntList units, java.util.BitSet ext, boolean[] entry) {
        for (int i = 0; i < units.size(); i++) {
            int u = units.get(i);
            for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                if (!entry[n] && (nodeAccess[n] & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && ext.get(nodeSig[n])) {
                    entry[n] = true;
                }
            }
        }
    }

    /** One node taken from the search's queue: what reaching it makes live or instantiated, and the targets of its calls. */
    private void visit(int n, LongSet walkedCalls, int clinit, int[][] declarers, IntQueue queue) {
        Hierarchy h = this.h;
        List<IntList> typeUnits = this.typeUnits;
        if ((sigFlags[nodeSig[n]] & CONSTRUCTOR) != 0) {
            instantiate(unitType[nodeUnit[n]], n, h, queue);
        }
        live(unitType[nodeUnit[n]], n, h, typeUnits, clinit, queue);
        int[] s = unitSites[nodeUnit[n]];
        for (int i = nodeSiteFrom[n]; i < nodeSiteTo[n]; i += 3) {
            int kind = s[i];
            int type = s[i + 1];
            int[] held = null;
            if (kind == RECEIVER_FIELD) {
                // The next triple names the field (FIELD_REF): its class is live already (its getstatic).
                held = fieldTypes(s[i + 4], s[i + 5], typeUnits, 0);
                kind = VIRTUAL;
            }
            if (kind >= CLASS) {
                if (kind == CLASS) {
                    classObject(type, n, queue);
                } else if (kind == LAMBDA) {
                    live(type, n, h, typeUnits, clinit, queue);
                    instantiate(type, n, h, queue);
                } else if (kind == DESERIALIZES) {
                    deserialization(n, queue);
                } else if (kind == SERIALIZES) {
                    serializes(n, queue);
                } else if (!navigated) {
                    // Classes named by any class's metadata: any enum, as far as the graph knows.
                    navigated = true;
                    for (int t = 0; t < types.size(); t++) {
                        classObject(t, n, queue);
                        // An annotation handed out is a proxy of its interface: initialising the proxy's
                        // class initialises the interface when it declares a non-abstract method (JVMS 5.5).
                        if (typeInterface[t] && types.get(t).interfaces().contains(ANNOTATION)) {
                            live(t, n, h, typeUnits, clinit, queue);
                        }
                    }
                }
                continue;
            }
            live(type, n, h, typeUnits, clinit, queue);
            if (kind == INIT) {
                continue;
            }
            int sig = s[i + 2];
            if (h.deserializer[type] && (sigFlags[sig] & DESERIALIZER) != 0) {
                deserialization(n, queue);
            }
            if (held != null) {
                int fieldType = s[i + 4];
                int field = s[i + 5];
                i += 3;
                if (held != UNKNOWN) {
                    List<Integer> site = List.of(type, sig, fieldType, field);
                    int[] targets = receiverTargets.get(site);
                    boolean walked = targets != null; // and so each target reached or parked since (see below)
                    if (targets == null) {
                        targets = receiverTargets(type, sig, held, h, declarers);
                        receiverTargets.put(site, targets);
                    }
                    if (targets != UNKNOWN) {
                        for (int t = 0; !walked && t < targets.length; t++) {
                            reach(targets[t], n, false, queue);
                        }
                        continue;
                    }
                }
                // Resolved as the same call without a known receiver: the same targets, in the same order.
            }
            long key = ((long) Math.min(kind, VIRTUAL) << 62) | ((long) type << 31) | sig;
            if (!walkedCalls.add(key)) {
                // Walked already: each target has been reached or parked since, so walking again
                // would change nothing (reach only acts on a target neither reached nor parked).
                continue;
            }
            for (int target : targets(kind, type, sig, h, typeUnits, declarers)) {
                reach(target, n, false, queue);
            }
        }
    }

    /**
     * The types of a jar the host replaces by its own copy of the module are the host's at run time, not
     * the archive's: the host's classes may call any method of theirs on an archive object, and nothing in
     * the archive's copy tells which. So every instance method an archive subtype of one of them declares or
     * inherits from an archive ancestor counts as an override of an external method (an entry point that
     * waits for an instance). No-op when no jar is replaced.
     */
    private void hostOverrides(Hierarchy h, List<IntList> typeUnits, boolean[] hostUnits, boolean[] entry) {
        boolean replaced = false;
        for (boolean b : hostUnits) {
            replaced |= b;
        }
        if (!replaced) {
            return;
        }
        boolean[] hostType = new boolean[types.size()];
        boolean any = false;
        for (int t = 0; t < types.size(); t++) {
            IntList units = typeUnits.get(t);
            boolean all = units.size() > 0;
            for (int i = 0; i < units.size(); i++) {
                all &= hostUnits[units.get(i)];
            }
            hostType[t] = all;
            any |= all;
        }
        if (!any) {
            return;
        }
        for (int t = 0; t < types.size(); t++) {
            boolean below = false;
            for (int a : h.ancestors[t]) {
                below |= hostType[a];
            }
            if (!below || hostType[t]) {
                continue;
            }
            for (int a : h.ancestors[t]) {
                for (int i = 0; !hostType[a] && i < typeUnits.get(a).size(); i++) {
                    int u = typeUnits.get(a).get(i);
                    for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                        if ((nodeAccess[n] & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0
                                && (sigFlags[nodeSig[n]] & (CONSTRUCTOR | INITIALISER)) == 0) {
                            entry[n] = true;
                        }
                    }
                }
            }
        }
    }

    private Hierarchy h;
    private List<IntList> typeUnits;
    /** Per type: how many nodes (methods) its class files declare; whether it is an interface. */
    private int[] typeNodes;
    private boolean[] typeInterface;
    private boolean[] isEnum;
    /** Per type: whether reachable code may hold its {@code Class} object (its enum's {@code values()} is then reachable). */
    private boolean[] classObject;
    private boolean navigated;
    private boolean deserializes;

    /**
     * Reachable code ({@code from}) holds the {@code Class} object of {@code type}: the JDK may call the
     * {@code values()} of it and of its archive ancestors that are enums ({@code EnumSet.allOf},
     * {@code Class#getEnumConstants}, {@code Enum#valueOf}, ...).
     */
    private void classObject(int type, int from, IntQueue queue) {
        if (classObject[type]) {
            return;
        }
        classObject[type] = true;
        for (int a : h.ancestors[type]) {
            if (isEnum[a]) {
                enumValues(a, from, queue);
            } else if (describes && serialInit[a] && h.serializable[a]) {
                live(a, from, h, typeUnits, clinitSig, queue);
            }
        }
    }

    /**
     * Per type: whether it declares a static {@code serialVersionUID} or {@code serialPersistentFields}.
     * Describing a serializable class for serialization ({@code ObjectStreamClass#lookup}, which an
     * {@code ObjectOutputStream} also runs for a {@code Class} object it writes, and for the serializable
     * superclasses) reads them by reflection, which initialises the class: once reachable code serializes
     * ({@link #SERIALIZERS}), holding the class's {@code Class} object makes its static initialiser reachable.
     */
    private boolean[] serialInit;
    /** Whether reachable code describes classes for serialization ({@link #SERIALIZES}). */
    private boolean describes;

    /** Reachable code ({@code from}) serializes: the serializable classes whose Class objects it may hold are initialised. */
    private void serializes(int from, IntQueue queue) {
        if (describes) {
            return;
        }
        describes = true;
        for (int t = 0; t < types.size(); t++) {
            if (classObject[t]) {
                for (int a : h.ancestors[t]) {
                    if (!isEnum[a] && serialInit[a] && h.serializable[a]) {
                        live(a, from, h, typeUnits, clinitSig, queue);
                    }
                }
            }
        }
    }
    /** The signature id of {@code <clinit>()V}, -1 when no class has one. */
    private int clinitSig = -1;

    /** Reaches the static {@code values()} of enum {@code type} from {@code from}. */
    private void enumValues(int type, int from, IntQueue queue) {
        IntList units = typeUnits.get(type);
        for (int i = 0; i < units.size(); i++) {
            int u = units.get(i);
            for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                if ((sigFlags[nodeSig[n]] & VALUES) != 0 && (nodeAccess[n] & Opcodes.ACC_STATIC) != 0) {
                    reach(n, from, false, queue);
                }
            }
        }
    }

    /**
     * Reachable code ({@code from}) deserializes: the stream may make an instance of any serializable class
     * of the archive without its constructors, running its read hooks; the JDK also calls the no-argument
     * constructor of an {@code Externalizable} class and of the first superclass of a serializable class
     * that is not serializable, the canonical constructor of a record, the {@code values()} of an enum
     * and the {@code $deserializeLambda$} of the class that captured a serializable lambda.
     */
    private void deserialization(int from, IntQueue queue) {
        if (deserializes) {
            return;
        }
        deserializes = true;
        int noArgs = -1;
        for (int i = 0; i < sigNames.length; i++) {
            if (sigNames[i].is("<init>()V")) {
                noArgs = i;
            }
        }
        for (int t = 0; t < types.size(); t++) {
            if (!h.serializable[t]) {
                continue;
            }
            instantiate(t, from, h, queue);
            if (isEnum[t]) {
                enumValues(t, from, queue);
            }
            // The constructors the stream runs: the canonical one of a record, the no-argument one of an
            // Externalizable class or of the first superclass (in the archive) that is not serializable.
            boolean record = types.get(t).extendsClass("java/lang/Record");
            int c = t;
            boolean merged = false;
            if (!h.externalizable[t] && !record) {
                for (int steps = 0; c >= 0 && h.serializable[c] && steps < types.size(); steps++) {
                    merged |= types.get(c).merged();
                    c = h.superclass[c];
                }
            }
            // Through a type whose class files name other superclasses, the first one not serializable may be any ancestor.
            int[] constructed = merged ? h.ancestors[t] : c < 0 ? new int[0] : new int[] {c};
            for (int k2 : constructed) {
                IntList units = typeUnits.get(k2);
                for (int k = 0; k < units.size(); k++) {
                    int u = units.get(k);
                    for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                        if (nodeSig[n] == noArgs || (record && (sigFlags[nodeSig[n]] & CONSTRUCTOR) != 0)) {
                            reach(n, from, false, queue);
                        }
                    }
                }
            }
        }
        for (int n = 0; n < parent.length; n++) {
            if ((sigFlags[nodeSig[n]] & READ_HOOK) != 0) {
                reach(n, from, true, queue);
            }
        }
    }

    private boolean providerInstantiated;

    /**
     * Reachable code ({@code from}) made a security provider: the JDK may instantiate any archive class by
     * name as one of its services ({@link #PROVIDER_TYPES}): every constructor of at most one argument is reachable.
     */
    private void providerInstantiates(int from, IntQueue queue) {
        if (providerInstantiated) {
            return;
        }
        providerInstantiated = true;
        for (int n = 0; n < parent.length; n++) {
            if ((sigFlags[nodeSig[n]] & CONSTRUCTOR) != 0 && atMostOneArgument(sigNames[nodeSig[n]].descriptor())) {
                reach(n, from, false, queue);
            }
        }
    }

    /** Whether a method descriptor takes no argument or one (read leniently: anything else counts as one). */
    private static boolean atMostOneArgument(String descriptor) {
        int i = 1;
        while (i < descriptor.length() && descriptor.charAt(i) == '[') {
            i++;
        }
        if (i < descriptor.length() && descriptor.charAt(i) == 'L') {
            i = descriptor.indexOf(';', i);
        }
        return i < 0 || i + 1 >= descriptor.length() || descriptor.charAt(1) == ')' || descriptor.charAt(i + 1) == ')';
    }

    /** Per type: whether reachable code created an instance of it or of a subtype (constructors chain, so any). */
    private boolean[] instantiated;
    /** Per type not yet instantiated: its instance methods reached so far, with the node each was reached from. */
    private IntList[] waiting;
    private boolean[] parked;

    /**
     * Reaches {@code target} from {@code from} (itself for an entry point). An instance method (not a
     * constructor) runs only on an instance of its class or a subtype, and every instance of an archive
     * class is made by one of its constructors (reflection and deserialization, the other ways, are denied
     * calls themselves, and once reachable code deserializes, every serializable class counts as
     * instantiated); so until reachable code runs such a constructor, the method waits (rapid type
     * analysis over the CHA targets). {@code always} reaches it regardless (read hooks, once reachable
     * code deserializes: the stream makes the instance).
     */
    private void reach(int target, int from, boolean always, IntQueue queue) {
        if (parent[target] >= 0) {
            return;
        }
        int type = unitType[nodeUnit[target]];
        boolean instanceMethod = (nodeAccess[target] & Opcodes.ACC_STATIC) == 0
                && (sigFlags[nodeSig[target]] & (CONSTRUCTOR | INITIALISER)) == 0;
        if (!always && instanceMethod && !instantiated[type]) {
            if (parked[target]) {
                return; // already waiting, from the node that reached it first
            }
            parked[target] = true;
            IntList w = waiting[type] == null ? waiting[type] = new IntList() : waiting[type];
            w.add(target);
            w.add(from);
            return;
        }
        parent[target] = from;
        queue.add(target);
    }

    /**
     * A constructor of {@code type} ran (or the JDK made one: a lambda, deserialization): an instance of it
     * and of each archive ancestor exists; their waiting methods run. A security provider's instance also
     * lets the JDK instantiate classes by name ({@link #providerInstantiates}).
     */
    private void instantiate(int type, int from, Hierarchy h, IntQueue queue) {
        if (instantiated[type]) {
            return;
        }
        if (h.provider[type]) {
            providerInstantiates(from, queue);
        }
        for (int a : h.ancestors[type]) {
            if (instantiated[a]) {
                continue;
            }
            instantiated[a] = true;
            IntList w = waiting[a];
            waiting[a] = null;
            if (w != null) {
                for (int i = 0; i < w.size(); i += 2) {
                    int target = w.get(i);
                    if (parent[target] < 0) {
                        parent[target] = w.get(i + 1);
                        queue.add(target);
                    }
                }
            }
        }
    }

    /** Marks a type and its archive ancestors live (used): their static initialisers become reachable. */
    private void live(int type, int from, Hierarchy h, List<IntList> typeUnits, int clinit, IntQueue queue) {
        if (typeLive[type]) {
            return;
        }
        // A live class makes its archive supertypes live too: their class-level references (supertypes,
        // field types) are part of what the class is.
        for (int a : h.ancestors[type]) {
            typeLive[a] = true;
        }
        // Code that uses a class can get its Class object (getClass, Enum#getDeclaringClass).
        classObject(type, from, queue);
        if (clinit < 0) {
            return;
        }
        for (int a : h.ancestors[type]) {
            for (int i = 0; i < typeUnits.get(a).size(); i++) {
                int u = typeUnits.get(a).get(i);
                for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                    if (nodeSig[n] == clinit && parent[n] < 0) {
                        parent[n] = from;
                        queue.add(n);
                    }
                }
            }
        }
    }

    /** Per class file: the static final reference fields it declares without a constant value (field ids). */
    private int[][] unitStaticFinals;
    /** Per class file: its {@code putstatic}s of reference fields, as {@link ClassCalls#stores}. */
    private int[][] unitStores;
    /** Per {@link #RECEIVER_FIELD} call (type, sig, field's type, field) through a known field: its targets, or {@link #UNKNOWN}. */
    private final Map<List<Integer>, int[]> receiverTargets = new HashMap<>();
    /** Per static field (type << 32 | field id): {@link #fieldTypes}'s answer. */
    private final Map<Long, int[]> fieldTypes = new HashMap<>();
    /** Field ids named by a static setter handle anywhere in the archive; null until first needed. */
    private Set<Integer> handleStores;
    /** {@link #fieldTypes}: not known (any value of the field's type may be there). */
    private static final int[] UNKNOWN = new int[0];
    /** {@link #fieldTypes}: being computed (a cycle reaching it again is unknown). */
    private static final int[] PENDING = new int[0];
    /** How deep {@link #fieldTypes} follows fields assigned from fields before it gives up (unknown). */
    private static final int MAX_FIELD_CHAIN = 32;

    /**
     * The targets of a virtual or interface call on a value read from a static field whose objects
     * {@link #fieldTypes} knows to be of the archive classes {@code held}: the methods of that signature
     * each of those classes declares or inherits from an archive ancestor (the method the JVM selects for
     * a receiver of class T is T's or an ancestor's: its superclasses' or, a default method, its
     * superinterfaces'; one T inherits from outside the archive is not archive code). {@link #UNKNOWN}
     * when one of those classes is not a subtype of the call's type (the call would fail): the caller
     * keeps the CHA targets. In node order.
     */
    private int[] receiverTargets(int type, int sig, int[] held, Hierarchy h, int[][] declarers) {
        for (int t : held) {
            if (!h.isSubtype(t, type)) {
                return UNKNOWN;
            }
        }
        int[] candidates = declarers[sig];
        if (candidates == null || held.length == 0) {
            return new int[0];
        }
        IntList out = new IntList();
        for (int n : candidates) {
            if ((nodeAccess[n] & Opcodes.ACC_STATIC) != 0) {
                continue;
            }
            int d = unitType[nodeUnit[n]];
            for (int t : held) {
                if (h.isSubtype(t, d)) {
                    out.add(n);
                    break;
                }
            }
        }
        return out.toArray();
    }

    /**
     * The archive classes of the objects the static field {@code field} of archive type {@code type} can
     * hold (sorted type indices; null and objects of classes outside the archive add none), or
     * {@link #UNKNOWN}. Known only for a static final field of a class or interface type without a constant
     * value, which every class file of the type declares (else {@code getstatic} resolves to another field),
     * and whose every {@code putstatic} in those class files (the only code the JVM lets assign a final
     * field: its class's; from version 53 only its static initialiser) stores a recognised value:
     * {@code new T} (exactly T), {@code aconst_null}, or another such static final field read by
     * {@code getstatic} (its classes, transitively; a cycle is unknown). A static setter handle naming the
     * field anywhere makes it unknown too (the JDK refuses one of a final field anyway). Reflection cannot
     * set a static final field ({@code Field#set} throws even after {@code setAccessible}); Unsafe, lookups
     * and VarHandle factories are denied calls, so code that uses them to assign one is refused before
     * anything it misleads could matter.
     */
    private int[] fieldTypes(int type, int field, List<IntList> typeUnits, int chain) {
        Long key = ((long) type << 32) | (field & 0xffffffffL);
        int[] known = fieldTypes.get(key);
        if (known != null) {
            return known == PENDING ? UNKNOWN : known;
        }
        if (chain >= MAX_FIELD_CHAIN) {
            return UNKNOWN;
        }
        fieldTypes.put(key, PENDING);
        int[] result = computeFieldTypes(type, field, typeUnits, chain);
        fieldTypes.put(key, result);
        return result;
    }

    private int[] computeFieldTypes(int type, int field, List<IntList> typeUnits, int chain) {
        if (handleStores == null) {
            handleStores = new HashSet<>();
            for (int[] stores : unitStores) {
                for (int i = 0; stores != null && i < stores.length; i += 4) {
                    if (stores[i + 1] == STORES_HANDLE) {
                        handleStores.add(stores[i]);
                    }
                }
            }
        }
        IntList units = typeUnits.get(type);
        if (units.size() == 0 || handleStores.contains(field)) {
            return UNKNOWN;
        }
        for (int i = 0; i < units.size(); i++) {
            boolean declared = false;
            for (int f : unitStaticFinals[units.get(i)]) {
                declared |= f == field;
            }
            if (!declared) {
                return UNKNOWN;
            }
        }
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (int i = 0; i < units.size(); i++) {
            int[] stores = unitStores[units.get(i)];
            for (int j = 0; j < stores.length; j += 4) {
                if (stores[j] != field) {
                    continue;
                }
                switch (stores[j + 1]) {
                    case STORES_NEW -> {
                        if (stores[j + 2] >= 0) {
                            out.add(stores[j + 2]);
                        }
                    }
                    case STORES_NULL -> {
                        // No object.
                    }
                    case STORES_FIELD -> {
                        int[] from = fieldTypes(stores[j + 2], stores[j + 3], typeUnits, chain + 1);
                        if (from == UNKNOWN) {
                            return UNKNOWN;
                        }
                        for (int t : from) {
                            out.add(t);
                        }
                    }
                    default -> {
                        return UNKNOWN;
                    }
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The CHA targets of a call, in node order. */
    private int[] targets(int kind, int type, int sig, Hierarchy h, List<IntList> typeUnits, int[][] declarers) {
        int[] candidates = declarers[sig];
        if (candidates == null) {
            return new int[0];
        }
        IntList out = new IntList();
        if (kind == STATIC || kind == SPECIAL) {
            // The method the call resolves to: in the named class or the nearest superclass declaring it;
            // failing that (an interface's super call to an inherited default), any archive ancestor's.
            for (int c = type; c >= 0; c = h.superclass[c]) {
                if (types.get(c).merged()) {
                    // Its class files name other superclasses: the method may be any ancestor's (below).
                    out.clear();
                    break;
                }
                // The class's own methods of that signature, in node order: its class files' nodes (archive order)
                // or the signature's declarers of that class, whichever is fewer to walk (the same nodes, in the same order).
                if (candidates.length < typeNodes[c]) {
                    for (int n : candidates) {
                        if (unitType[nodeUnit[n]] == c) {
                            out.add(n);
                        }
                    }
                } else {
                    IntList units = typeUnits.get(c);
                    for (int i = 0; i < units.size(); i++) {
                        int u = units.get(i);
                        for (int n = unitFirst[u]; n < unitFirst[u + 1]; n++) {
                            if (nodeSig[n] == sig) {
                                out.add(n);
                            }
                        }
                    }
                }
                if (out.size() > 0) {
                    return out.toArray();
                }
                if (h.superclass[c] == c) {
                    break;
                }
            }
            for (int n : candidates) {
                if (h.isSubtype(type, unitType[nodeUnit[n]])) {
                    out.add(n);
                }
            }
            return out.toArray();
        }
        for (int n : candidates) {
            if ((nodeAccess[n] & Opcodes.ACC_STATIC) != 0) {
                continue;
            }
            int d = unitType[nodeUnit[n]];
            // An override (a subtype's), the inherited method (a supertype's), the method a subtype of the
            // receiver type inherits from an unrelated superclass, or a default method.
            if (h.related(type, d) || (typeInterface[d] && (nodeAccess[n] & Opcodes.ACC_ABSTRACT) == 0)) {
                out.add(n);
            }
        }
        return out.toArray();
    }

    /** Whether a method of a class file can run: {@code sig} is {@code name + descriptor}. Unknown methods are reachable. */
    boolean reachable(int unit, String sig) {
        int n = node(unit, sig);
        return n < 0 || parent[n] >= 0;
    }

    /** Whether a class file's class can be initialised or used by reachable code. */
    boolean classLive(int unit) {
        return unitType[unit] < 0 || typeLive[unitType[unit]];
    }

    private int node(int unit, String sig) {
        for (int n = unitFirst[unit]; n < unitFirst[unit + 1]; n++) {
            if (sigNames[nodeSig[n]].is(sig)) {
                return n;
            }
        }
        return -1;
    }

    /** The path from an entry point to a method ({@code Class.name(descriptor)} each), bounded by {@link #MAX_PATH}; empty when unknown. */
    List<String> path(int unit, String sig) {
        int n = node(unit, sig);
        if (n < 0 || parent[n] < 0) {
            return List.of();
        }
        List<Integer> chain = new ArrayList<>();
        int at = n;
        // Parents were set once, on first reach, in breadth-first order: the chain ends at an entry point.
        while (true) {
            chain.add(at);
            if (parent[at] == at) {
                break;
            }
            at = parent[at];
        }
        List<String> out = new ArrayList<>();
        int len = chain.size();
        for (int i = len - 1; i >= 0; i--) {
            int fromEnd = i;
            int fromStart = len - 1 - i;
            if (len > MAX_PATH && fromStart >= 2 && fromEnd >= MAX_PATH - 3) {
                if (fromStart == 2) {
                    out.add("...");
                }
                continue;
            }
            int node = chain.get(i);
            // Class names are built here, for the few paths shown, not for every class file.
            int type = unitType[nodeUnit[node]];
            String className = type < 0 ? "" : types.get(type).name().replace('/', '.');
            out.add(className + "." + sigNames[nodeSig[node]].name() + sigNames[nodeSig[node]].descriptor());
        }
        return out;
    }

    private static final int[] NONE = new int[0];

    /**
     * A set of longs without boxing (open addressing), cleared per method where a recorder reuses it: a slot holds a value of
     * the set when its stamp is the set's, so clearing is a new stamp, not a pass over the slots.
     */
    static final class LongSet {
        private long[] slots = new long[32];
        private int[] stamps = new int[32];
        private int stamp = 1;
        private int size;

        boolean add(long v) {
            if (size * 2 >= slots.length) {
                long[] old = slots;
                int[] oldStamps = stamps;
                int oldStamp = stamp;
                slots = new long[old.length * 2];
                stamps = new int[old.length * 2];
                stamp = 1;
                size = 0;
                for (int i = 0; i < old.length; i++) {
                    if (oldStamps[i] == oldStamp) {
                        add(old[i]);
                    }
                }
            }
            int mask = slots.length - 1;
            int i = (int) (v ^ (v >>> 29) ^ (v >>> 47)) * 0x9E3779B9 & mask;
            while (stamps[i] == stamp) {
                if (slots[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            stamps[i] = stamp;
            size++;
            return true;
        }

        void clear() {
            if (size > 0) {
                size = 0;
                if (++stamp == Integer.MAX_VALUE) {
                    Arrays.fill(stamps, 0);
                    stamp = 1;
                }
            }
        }
    }

    /**
     * A map from a pair of objects, compared by identity (the second may be null), to ints, without boxing
     * (open addressing); for one class's strings, whose hashes String caches. Not thread-safe.
     */
    static final class IdentityCache {
        static final int MISSING = Integer.MIN_VALUE;
        /** Sized for a class's usual dozen or so distinct signatures (or owners) before it grows. */
        private static final Object[] EMPTY = new Object[1];
        /** Allocated on the first {@link #put}: until then one shared slot, always empty. */
        private Object[] firsts = EMPTY;
        private Object[] seconds;
        private int[] values;
        private int size;

        /** Empty again: a small table is wiped, a large one (a class with many distinct names) let go. */
        void clear() {
            if (firsts == EMPTY) {
                return;
            }
            if (firsts.length > 256) {
                firsts = EMPTY;
                seconds = null;
                values = null;
            } else if (size > 0) {
                Arrays.fill(firsts, null);
                Arrays.fill(seconds, null);
            }
            size = 0;
        }

        /** The value of the pair, or {@link #MISSING}. */
        int get(Object a, Object b) {
            int mask = firsts.length - 1;
            for (int i = slot(a, b, mask); firsts[i] != null; i = (i + 1) & mask) {
                if (firsts[i] == a && seconds[i] == b) {
                    return values[i];
                }
            }
            return MISSING;
        }

        /** Adds a pair that {@link #get} does not hold. */
        void put(Object a, Object b, int v) {
            if (firsts == EMPTY) {
                firsts = new Object[32];
                seconds = new Object[32];
                values = new int[32];
            } else if (size * 2 >= firsts.length) {
                Object[] oldFirsts = firsts;
                Object[] oldSeconds = seconds;
                int[] oldValues = values;
                firsts = new Object[oldFirsts.length * 2];
                seconds = new Object[oldFirsts.length * 2];
                values = new int[oldFirsts.length * 2];
                size = 0;
                for (int i = 0; i < oldFirsts.length; i++) {
                    if (oldFirsts[i] != null) {
                        put(oldFirsts[i], oldSeconds[i], oldValues[i]);
                    }
                }
            }
            int mask = firsts.length - 1;
            int i = slot(a, b, mask);
            while (firsts[i] != null) {
                i = (i + 1) & mask;
            }
            firsts[i] = a;
            seconds[i] = b;
            values[i] = v;
            size++;
        }

        private static int slot(Object a, Object b, int mask) {
            int h = (a.hashCode() * 31 + (b == null ? 0 : b.hashCode())) * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }
    }

    /** A first-in first-out queue of ints without boxing (the search's: each node enters it once at most). */
    static final class IntQueue {
        private int[] values;
        private int head;
        private int tail;

        IntQueue(int capacity) {
            values = new int[Math.max(capacity, 8)];
        }

        void add(int v) {
            if (tail == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[tail++] = v;
        }

        int poll() {
            return values[head++];
        }

        boolean isEmpty() {
            return head == tail;
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] values = new int[8];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        int[] toArray() {
            // Most methods call no archive class: one shared empty array, not one each.
            return size == 0 ? NONE : Arrays.copyOf(values, size);
        }
    }
}
