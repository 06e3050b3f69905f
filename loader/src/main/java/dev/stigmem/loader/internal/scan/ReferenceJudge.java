package dev.stigmem.loader.internal.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.api.PluginContext;
import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Judges references for one scan: against the manifest's capabilities and against the policy,
 * knowing the archive's own type hierarchy. Decisions do not depend on where a reference stands,
 * so they are cached per class, member and descriptor. Thread-safe.
 */
final class ReferenceJudge {

    /** What the policy says about one referenced class or member. */
    record Decision(Severity severity, String rule, String reason) {
    }

    static final String PLUGIN_CONTEXT = Type.getInternalName(PluginContext.class);
    private static final Decision ALLOWED = new Decision(Severity.INFO, "", "");

    private final PolicyIndex policy;
    private final Set<Capability> declared;
    private final Set<String> archiveClasses;
    /** Names of JDK or api classes that a class file of the archive also declares (never loaded: see BytecodeScanner#neverLoaded). */
    private final Set<String> shadowed;
    private final Set<String> archiveModules;
    private final TypeHierarchy hierarchy;
    private final Map<String, Capability> byHandleType;
    private final CallGraph.Ids ids;
    /** Whether the archive bundles a module the policy substitutes (see {@link #failsEverywhere}). */
    private final boolean substitutes;
    private final JdkTypes jdk = JdkTypes.instance();

    /**
     * Most entries each cache keeps. Distinct references cost a class file a few bytes each and a cache
     * entry a hundred or more, so unbounded caches would let an archive hold far more memory than its
     * bytes; past the bound, a reference is judged again each time (the same decision, more work).
     */
    static final int CACHE_LIMIT = 1 << 15;

    // Presized: a large library references some thousands of distinct classes and members. The policy's
    // decisions on a class or member are not cached apart: they are computed once per distinct TypeInfo or
    // MemberInfo, which these caches keep (a second cache under the same key was one more map insert per
    // distinct reference, for nothing but the rare array owner).
    private final ConcurrentHashMap<String, String[]> descriptorTypes = new ConcurrentHashMap<>(8192);
    private final ConcurrentHashMap<String, TypeInfo> typeInfos = new ConcurrentHashMap<>(4096);
    private final ConcurrentHashMap<String, Descriptor> descriptors = new ConcurrentHashMap<>(8192);
    private final ConcurrentHashMap<MemberKey, MemberInfo> memberInfos = new ConcurrentHashMap<>(16384);
    private final ConcurrentHashMap<MemberKey, MemberInfo> bootstrapInfos = new ConcurrentHashMap<>(64);

    /**
     * Cache key of a member reference. ASM hands out the same String instances for one class's
     * constants, whose hash codes are cached, so this key costs no string building on the hot path.
     * Equality and hash written out: a record's generated ones go through method handles
     * ({@code ObjectMethods}), which a short run pays for in the interpreter and in spun classes.
     */
    private record MemberKey(String owner, String name, String desc) {
        @Override
        public boolean equals(Object o) {
            return o instanceof MemberKey k && owner.equals(k.owner) && name.equals(k.name) && desc.equals(k.desc);
        }

        @Override
        public int hashCode() {
            return (owner.hashCode() * 31 + name.hashCode()) * 31 + desc.hashCode();
        }
    }

    /**
     * @param archiveClasses the classes of the archive (internal names)
     * @param shadowed       JDK or api class names that class files of the archive declare too
     * @param hierarchy      built with {@link #namedByPolicy(PolicyIndex)}: the supertypes that decisions need
     */
    ReferenceJudge(PolicyIndex policy, Set<Capability> declared, Set<String> archiveClasses, Set<String> shadowed,
                   Set<String> archiveModules, TypeHierarchy hierarchy, CallGraph.Ids ids, boolean substitutes) {
        this.shadowed = shadowed;
        this.policy = policy;
        this.ids = ids;
        this.substitutes = substitutes;
        this.declared = declared.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(declared);
        this.archiveClasses = archiveClasses;
        this.archiveModules = archiveModules;
        this.hierarchy = hierarchy;
        Map<String, Capability> handles = new HashMap<>();
        for (Capability c : Capability.values()) {
            handles.put(Type.getInternalName(c.handleType()), c);
        }
        this.byHandleType = Map.copyOf(handles);
    }

    /**
     * The supertypes whose presence can change a decision: those the policy's class and member rules
     * name, and {@code PluginContext} (accessors through a plugin's subtype of it).
     */
    static Predicate<String> namedByPolicy(PolicyIndex policy) {
        return t -> t.equals(PLUGIN_CONTEXT) || policy.namesType(t);
    }

    boolean declares(Capability c) {
        return declared.contains(c);
    }

    /** The capability whose handle type this is (derived from the api's {@link Capability#handleType()}). */
    Optional<Capability> handleCapability(String internalName) {
        return Optional.ofNullable(byHandleType.get(internalName));
    }

    /**
     * The capability a method reference reaches, when it names a gated accessor (by
     * {@link Capability#forAccessorName}) on {@code PluginContext} or on a type of the archive that
     * extends it. Any descriptor counts: a sub-interface may redeclare an accessor covariantly.
     */
    Optional<Capability> accessorCapability(String owner, String name, String desc) {
        if (desc.isEmpty() || desc.charAt(0) != '(' || !desc.startsWith("()")) {
            return Optional.empty();
        }
        Optional<Capability> c = Capability.forAccessorName(name);
        if (c.isEmpty()) {
            return c;
        }
        return owner.equals(PLUGIN_CONTEXT) || hierarchy.named(owner).contains(PLUGIN_CONTEXT) ? c : Optional.empty();
    }

    /**
     * The policy's decision on a member reference (member rules only; the owner type is judged separately),
     * or null. {@code named}: the owner's {@link TypeHierarchy#named}, which its {@link TypeInfo} keeps; for
     * most owners none is named, so no rule can match.
     */
    private Decision memberRule(List<String> named, String name, String desc) {
        if (named.isEmpty()) {
            return null;
        }
        Optional<PolicyRule> rule = policy.memberRule(named, name, desc);
        return rule.isPresent() ? of(rule.get()) : null;
    }

    /** The cached value of {@code key}, or (with the cache full) a value computed without caching it. */
    private static <K, V> V cached(ConcurrentHashMap<K, V> cache, K key, java.util.function.Function<K, V> compute) {
        if (cache.mappingCount() >= CACHE_LIMIT) {
            V known = cache.get(key);
            return known != null ? known : compute.apply(key);
        }
        return cache.computeIfAbsent(key, compute);
    }

    /**
     * The policy's decision on a class reference, or null when it allows it without a word.
     * {@code unlinkable}: {@link #unlinkable} of the class; {@code named}: its {@link TypeHierarchy#named}
     * when it is linkable (else unused).
     */
    private Decision typeDecision(String internalName, Optional<String> unlinkable, List<String> named) {
        Decision d = judgeType(internalName, unlinkable, named);
        return d == ALLOWED ? null : d;
    }

    /** The prefix of the host's own packages: their rules stand as written (the scanner does not model the host's layers). */
    private static final String HOST_PREFIX = "dev/stigmem/";

    private Decision judgeType(String name, Optional<String> unlinkable, List<String> named) {
        if (unlinkable.isPresent()) {
            return new Decision(Severity.WARN, RuleIds.REFERENCE_UNLINKABLE, "The plugin's layer cannot link it ("
                    + unlinkable.get() + "); it fails with NoClassDefFoundError or another linkage error at run time if reached");
        }
        Optional<PolicyRule> classRule = policy.classRule(named);
        if (classRule.isPresent()) {
            return of(classRule.get());
        }
        int slash = name.lastIndexOf('/');
        String pkg = slash < 0 ? "" : name.substring(0, slash);
        Optional<PolicyRule> packageRule = policy.packageRule(pkg);
        if (packageRule.isPresent() && packageRule.get().kind() == PolicyRule.Kind.DENY_PACKAGE) {
            return of(packageRule.get());
        }
        boolean allowed = archiveClasses.contains(name) || policy.packageAllowed(pkg);
        if (!allowed) {
            return new Decision(Severity.DENY, RuleIds.REFERENCE_NOT_ALLOWED,
                    "Not a class of the archive, of dev.stigmem.api or of an allowlisted JDK package; a plugin may reference nothing else");
        }
        return packageRule.map(ReferenceJudge::of).orElse(ALLOWED);
    }

    /**
     * Why the plugin's layer cannot resolve a class, or empty when it can (or when the class is the
     * host's, whose rules stand as written). A plugin's class loader sees its archive, the api's exported
     * packages and the packages of java.base, of the modules the policy allows and of those they require
     * transitively; a JDK class of another module, of a package its module does not export to all,
     * or that the runtime does not have, and any class in none of those places, cannot be linked: the
     * reference is no risk, it is a NoClassDefFoundError (or IllegalAccessError) waiting to happen.
     */
    Optional<String> unlinkable(String name) {
        if (archiveClasses.contains(name) || name.startsWith(HOST_PREFIX)) {
            return Optional.empty();
        }
        int slash = name.lastIndexOf('/');
        String pkg = slash < 0 ? "" : name.substring(0, slash);
        Optional<String> module = jdk.moduleOf(pkg);
        if (module.isEmpty()) {
            return Optional.of("not a class of the archive, of dev.stigmem.api or of the JDK");
        }
        String m = module.get();
        // Readable also through an allowed module's requires transitive: a sealed plain jar requires every
        // allowed module, so it reads java.transaction.xa (java.sql) and java.datatransfer (java.desktop) too.
        if (!m.equals("java.base") && !policy.moduleReadable(m)) {
            return Optional.of("module " + m + " is not one the policy allows, so the layer does not read it");
        }
        if (!jdk.exportedToAll(m, pkg)) {
            return Optional.of("module " + m + " does not export package " + pkg.replace('/', '.'));
        }
        if (!jdk.classExists(name)) {
            return Optional.of("module " + m + " has no such class");
        }
        return Optional.empty();
    }

    /**
     * Whether resolving this unlinkable class (dotted name) fails wherever the plugin runs: its package
     * is the JDK's (a module the layer does not read, a package not exported, a class the JDK lacks), or
     * the archive has no substituted module. A substitute (the node's own copy of a module the archive
     * bundles, {@code substitute-module}) may hold classes the bundled copy lacks, which the scan never
     * sees: a class in no JDK package could come from it at run time. Never for a name the JDK may give a
     * proxy class it defines in the plugin's own loader.
     */
    boolean failsEverywhere(String dotted) {
        int dot = dotted.lastIndexOf('.');
        if (dotted.startsWith("$Proxy", dot + 1)) {
            // The JDK defines a proxy of a package-private interface in the plugin's own class loader and
            // package, as p.$Proxy<n> (an annotation read reflectively makes one): found by name from then on.
            return false;
        }
        String pkg = dot < 0 ? "" : dotted.substring(0, dot).replace('.', '/');
        return !substitutes || jdk.moduleOf(pkg).isPresent();
    }

    /** The class names in a field or method descriptor (array element types included), cached. */
    String[] typesOf(String descriptor) {
        String[] types = descriptorTypes.get(descriptor);
        return types != null ? types : cached(descriptorTypes, descriptor, ReferenceJudge::parseTypes);
    }

    /**
     * Everything the scanner reports about a reference to one class, judged once per scan: its
     * capability if it is a handle type, and the policy's decision. {@code quiet} when neither.
     * Kept for judging its members once each ({@link #judgeMember}), rather than looked up again per member:
     * {@code named}, the class's {@link TypeHierarchy#named} (empty when the class is unlinkable: its members
     * get no rule of their own), and {@code callType}, its {@link CallGraph.Ids#type}.
     */
    record TypeInfo(String dotted, Capability handle, Decision decision, boolean quiet, List<String> named, int callType) {
    }

    /**
     * Everything about one member reference, judged once per scan: the gated accessor it names, the
     * member rule, and the owner and descriptor types. {@code quiet} when none of it is reported, which
     * is the common case, so that an instruction costs one cache lookup. {@code target} names the member
     * ({@code owner#name descriptor}, dotted) when it has an accessor or a rule of its own, else is empty:
     * nothing else reports it. {@code callType} and {@code callSig}: its ids in the call graph
     * ({@link CallGraph.Ids}), -1 when the scan builds none.
     */
    record MemberInfo(Capability accessor, Decision rule, String target, TypeInfo owner, TypeInfo[] types, boolean quiet,
                      int callType, int callSig) {
    }

    private static final TypeInfo[] NO_TYPES = new TypeInfo[0];

    /** The judged class of an internal name or array descriptor; {@code null} for primitive arrays. */
    TypeInfo typeInfo(String internalName) {
        TypeInfo t = typeInfos.get(internalName);
        if (t == null) {
            String element = elementType(internalName);
            if (element == null) {
                return null;
            }
            t = cached(typeInfos, internalName, k -> {
                Capability handle = handleCapability(element).orElse(null);
                Optional<String> unlinkable = unlinkable(element);
                List<String> named = unlinkable.isPresent() ? List.of() : hierarchy.named(element);
                Decision d = typeDecision(element, unlinkable, named);
                return new TypeInfo(element.replace('/', '.'), handle, d, handle == null && d == null, named, ids.type(element));
            });
        }
        return t;
    }

    /**
     * A field or method descriptor as judged: {@code text}, the scan's one instance of it (the first met,
     * within the cache's bound), and the judged classes it names. Whoever keeps the text (the call graph's
     * signatures) compares it by identity then, not character by character, and its hash is computed once.
     */
    record Descriptor(String text, TypeInfo[] types) {
    }

    /** The judged descriptor (see {@link Descriptor}). */
    Descriptor descriptor(String descriptor) {
        Descriptor known = descriptors.get(descriptor);
        if (known != null) {
            return known;
        }
        return cached(descriptors, descriptor, d -> {
            String[] names = typesOf(d);
            if (names.length == 0) {
                return new Descriptor(d, NO_TYPES);
            }
            TypeInfo[] out = new TypeInfo[names.length];
            for (int i = 0; i < names.length; i++) {
                out[i] = typeInfo(names[i]);
            }
            return new Descriptor(d, out);
        });
    }

    /** The judged member reference (method, field or method handle). */
    MemberInfo memberInfo(String owner, String name, String desc) {
        MemberKey key = new MemberKey(owner, name, desc);
        MemberInfo m = memberInfos.get(key);
        if (m != null) {
            return m;
        }
        return cached(memberInfos, key, k -> {
            Descriptor d = descriptor(desc);
            return judgeMember(owner, name, d.text(), d.types());
        });
    }

    /**
     * The judged handle of an allowed bootstrap method: its owner and the member rules, not the types
     * of its descriptor, which names {@code MethodHandles.Lookup} (the JVM's argument to every
     * bootstrap, not a lookup the plugin holds).
     */
    MemberInfo allowedBootstrapInfo(String owner, String name, String desc) {
        MemberKey key = new MemberKey(owner, name, desc);
        MemberInfo m = bootstrapInfos.get(key);
        return m != null ? m : cached(bootstrapInfos, key, k -> judgeMember(owner, name, desc, NO_TYPES));
    }

    /**
     * Whether {@code invokedynamic} and dynamic constants may name this bootstrap method: an
     * {@code allow-bootstrap} rule names it, the handle invokes it as the static method it is, and it is
     * no class of the archive (a plugin's own bootstrap gets a full-privilege lookup of its caller).
     */
    boolean bootstrapAllowed(int tag, String owner, String name, String desc) {
        // A bootstrap class that a class file of the archive shadows stays refused: fail closed on a name
        // the archive plays with, though the JVM resolves it to the JDK's.
        return tag == Opcodes.H_INVOKESTATIC && !archiveClasses.contains(owner) && !shadowed.contains(owner)
                && policy.bootstrapAllowed(owner, name, desc);
    }

    /** The reason of a {@link RuleIds#LINKAGE_BOOTSTRAP} finding, from the policy. */
    String bootstrapReason() {
        return policy.bootstrapReason();
    }

    /** Whether plugin code may read this system property key. */
    boolean propertyAllowed(String key) {
        return policy.propertyAllowed(key);
    }

    private MemberInfo judgeMember(String owner, String name, String desc, TypeInfo[] types) {
        String element = elementType(owner);
        if (element == null) {
            int callType = ids.type(owner);
            return new MemberInfo(null, null, "", null, types, allQuiet(types), callType, callType >= 0 ? ids.sig(name, desc) : -1);
        }
        TypeInfo ownerInfo = typeInfo(element);
        // The owner's own call-graph type when it is a class (elementType hands back the same string), not an array's element's.
        int callType = element == owner ? ownerInfo.callType() : ids.type(owner);
        int callSig = callType >= 0 ? ids.sig(name, desc) : -1;
        Capability accessor = accessorCapability(element, name, desc).orElse(null);
        // A member of a class the layer cannot link is as unlinkable as its class: the owner's finding says so.
        boolean ownerUnlinkable = ownerInfo.decision() != null && ownerInfo.decision().rule().equals(RuleIds.REFERENCE_UNLINKABLE);
        Decision rule = ownerUnlinkable ? null : memberRule(ownerInfo.named(), name, desc);
        boolean quiet = accessor == null && rule == null && ownerInfo.quiet() && allQuiet(types);
        // The target names a finding on the member itself (its accessor or its rule); most members have none.
        String target = accessor != null || rule != null ? element.replace('/', '.') + '#' + name + desc : "";
        return new MemberInfo(accessor, rule, target, ownerInfo, types, quiet, callType, callSig);
    }

    private static boolean allQuiet(TypeInfo[] types) {
        for (TypeInfo t : types) {
            if (!t.quiet()) {
                return false;
            }
        }
        return true;
    }

    /** The class of an internal name or array descriptor; {@code null} for primitive arrays. */
    static String elementType(String name) {
        if (name.isEmpty() || name.charAt(0) != '[') {
            return name;
        }
        int i = 0;
        while (i < name.length() && name.charAt(i) == '[') {
            i++;
        }
        return i < name.length() && name.charAt(i) == 'L' && name.endsWith(";") ? name.substring(i + 1, name.length() - 1) : null;
    }

    /** Whether a module of the archive may require this module. */
    /**
     * Classes of the archive in a package their explicit module does not export to every module, by
     * dotted name: the module's name and the modules it exports the package to. Empty for most archives.
     */
    private Map<String, ExportGate> gates = Map.of();
    /** Per jar index, its module's name (as the JDK's module finder read it), or null when unknown. */
    private String[] jarModules = new String[0];

    /** A package of an archive module exported to these modules only (none: not exported). */
    record ExportGate(String module, Set<String> targets, String packageName) {
    }

    /** Sets what {@link #notExportedTo} answers from; before any class is scanned. */
    void exports(Map<String, ExportGate> gates, String[] jarModules) {
        this.gates = Map.copyOf(gates);
        this.jarModules = jarModules.clone();
    }

    /**
     * Why a class of another archive module cannot be linked from the class files of jar
     * {@code fromJar}: its package is not exported to their module (the JVM throws
     * IllegalAccessError). Empty when it can, or when nothing is known of the modules.
     */
    Optional<String> notExportedTo(String dotted, int fromJar) {
        if (gates.isEmpty()) {
            return Optional.empty();
        }
        ExportGate g = gates.get(dotted);
        if (g == null || fromJar < 0 || fromJar >= jarModules.length || jarModules[fromJar] == null) {
            return Optional.empty();
        }
        String from = jarModules[fromJar];
        if (from.equals(g.module()) || g.targets().contains(from)) {
            return Optional.empty();
        }
        return Optional.of("module " + g.module() + " does not export package " + g.packageName() + " to module " + from);
    }

    boolean moduleAllowed(String module) {
        return policy.moduleAllowed(module) || archiveModules.contains(module);
    }

    private static Decision of(PolicyRule r) {
        return new Decision(r.kind().severity().orElseThrow(), r.ruleId(), r.reason());
    }

    private static String[] parseTypes(String desc) {
        List<String> out = new ArrayList<>(4);
        int i = 0;
        int n = desc.length();
        while (i < n) {
            if (desc.charAt(i) == 'L') {
                int end = desc.indexOf(';', i);
                if (end < 0) {
                    break;
                }
                out.add(desc.substring(i + 1, end));
                i = end + 1;
            } else {
                i++;
            }
        }
        return out.toArray(new String[0]);
    }
}
