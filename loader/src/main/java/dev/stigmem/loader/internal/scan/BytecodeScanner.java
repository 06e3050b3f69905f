package dev.stigmem.loader.internal.scan;

import dev.stigmem.api.Capability;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanInputException;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ModuleVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytecode pre-scan of one plugin archive: one call, {@link #scan}, from an {@link ArchiveImage}
 * (the same bytes the layer will load) to a {@link ScanReport}.
 *
 * <p>It reads every {@code .class} entry of every jar, wherever it stands, which includes nested
 * classes, module descriptors and every {@code META-INF/versions/N/} entry for every N (more than the
 * JVM would pick, never less). Each class file is first checked structurally ({@link ClassFileCheck}),
 * then its header is read to build the archive's type hierarchy, then its bodies are scanned
 * ({@link ClassScan}) against the manifest and the {@link ScanPolicy}. The hierarchy is resolved and
 * bounded in between ({@link TypeHierarchy}). Any class file that cannot be
 * read fully fails the whole scan ({@link ScanInputException}); so does any bound of
 * {@link dev.stigmem.loader.scan.ScanLimits} ({@link ScanLimitException}).
 *
 * <p>Class files are scanned in parallel on the given executor; the report is sorted and
 * deduplicated, so it does not depend on scheduling. Thread-safe (stateless).
 */
public final class BytecodeScanner {

    private static final Logger LOG = LoggerFactory.getLogger(BytecodeScanner.class);
    private static final int BATCH = 32;
    private static final Pattern VERSION_SUFFIX = Pattern.compile("-(\\d+(\\.|$))");

    private BytecodeScanner() {
    }

    /**
     * Scans with a parallel stream: the common fork-join pool plus the calling thread, which joins in
     * (on a two-core machine the common pool alone has a single worker).
     */
    public static ScanReport scan(ArchiveImage image, PluginManifest manifest, ScanPolicy policy) {
        return scan(image, manifest, policy, Optional.empty());
    }

    /**
     * Scans an archive.
     *
     * @param executor runs batches of class files; {@code Runnable::run} scans on the calling thread
     * @throws ScanInputException if a class file cannot be read fully
     * @throws ScanLimitException if the archive exceeds a bound of the policy's limits
     */
    public static ScanReport scan(ArchiveImage image, PluginManifest manifest, ScanPolicy policy, Executor executor) {
        return scan(image, manifest, policy, Optional.of(executor), true);
    }

    /**
     * Scans an archive, with or without the call graph. Without, every JDK-policy finding counts as if
     * its code were reachable (the verdict of the scan before reachability existed): for benchmarks
     * and for tests of the policy table, never a user-facing setting.
     */
    public static ScanReport scan(ArchiveImage image, PluginManifest manifest, ScanPolicy policy, Optional<Executor> executor,
                                  boolean reachability) {
        return scanArchive(image, manifest, policy, executor, reachability, Map.of());
    }

    private static ScanReport scan(ArchiveImage image, PluginManifest manifest, ScanPolicy policy, Optional<Executor> executor) {
        return scanArchive(image, manifest, policy, executor, true, Map.of());
    }

    /**
     * Scans an archive whose jars' module names are known (as the JDK's module finder read them):
     * a jar holding a module of the policy's {@code substitute-module} lines is never loaded (the host
     * supplies its own copy), so its findings are reported for the record only (INFO), with one INFO
     * finding that says so.
     *
     * <p>The descriptors also say which packages each explicit module exports to whom: a class's
     * access to a class of another archive module's unexported package is reported as unlinkable (WARN),
     * since the JVM refuses it with IllegalAccessError.
     *
     * @param descriptors each jar's module descriptor as the JDK's module finder read it, by jar name
     */
    public static ScanReport scan(ArchiveImage image, PluginManifest manifest, ScanPolicy policy,
                                  Map<String, java.lang.module.ModuleDescriptor> descriptors) {
        return scanArchive(image, manifest, policy, Optional.empty(), true, descriptors);
    }

    /** What a finding in a jar the host replaces says besides the rule's reason. */
    static final String SUBSTITUTED = "this jar is never loaded: the host supplies its own vetted copy of the module,"
            + " which the plugin's modules read instead, under the runtime guard";

    /** What a finding in code no entry point reaches says besides the rule's reason. */
    static final String UNREACHABLE = "not reachable from any entry point of the archive, so reported for the record;"
            + " the runtime guard refuses a guarded call if it is ever reached";

    private static ScanReport scanArchive(ArchiveImage image, PluginManifest manifest, ScanPolicy policy,
                                          Optional<Executor> executor, boolean reachability,
                                          Map<String, java.lang.module.ModuleDescriptor> descriptors) {
        long started = System.nanoTime();
        List<JarImage> jars = image.jars();
        List<ClassUnit> units = collect(jars, policy);

        // Pass 1: structure check and header of every class file; this gives the archive's types.
        List<Header> headers = runAll(units, executor, u -> header(u, policy));
        long passOne = System.nanoTime();
        Map<String, List<String>> supertypes = new HashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        Set<String> shadowed = new HashSet<>();
        Set<String> modules = new HashSet<>();
        for (int i = 0; i < jars.size(); i++) {
            automaticModuleName(jars.get(i)).ifPresent(modules::add);
        }
        for (Header h : headers) {
            // Only a real descriptor entry names a module of the archive; a module class file hidden
            // elsewhere is scanned like any class, but cannot make a required module look bundled.
            String entry = h.unit().entry();
            if (entry.equals("module-info.class") || (entry.startsWith("META-INF/versions/") && entry.endsWith("/module-info.class"))) {
                h.moduleName().ifPresent(modules::add);
            }
            if (h.moduleName().isPresent()) {
                continue;
            }
            if (neverLoaded(h.name())) {
                shadowed.add(h.name());
            } else {
                supertypes.merge(h.name(), sortedDistinct(h.supertypes()), BytecodeScanner::sortedUnion);
                where.putIfAbsent(h.name(), h.unit().where());
            }
        }
        PolicyIndex index = new PolicyIndex(policy);
        // Every class's supertypes, resolved once and bounded in depth before any body is scanned.
        TypeHierarchy hierarchy = new TypeHierarchy(supertypes, where, JdkTypes.instance(), ReferenceJudge.namedByPolicy(index),
                policy.limits().maxHierarchyDepth());

        // The archive's types, numbered in archive order, for the call graph.
        Map<String, Integer> typeIndex = new HashMap<>();
        List<CallGraph.ArchiveType> types = new ArrayList<>();
        int[] unitType = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            if (h.moduleName().isPresent() || neverLoaded(h.name())) {
                // No node of the graph: its findings count as reachable (BytecodeScanner#judgedByReach).
                unitType[i] = -1;
                continue;
            }
            Integer t = typeIndex.get(h.name());
            if (t == null) {
                t = types.size();
                typeIndex.put(h.name(), t);
                types.add(new CallGraph.ArchiveType(h.name(), h.isInterface(), h.superName().orElse(null), h.interfaces()));
            } else {
                // Another class file of the same name (a META-INF/versions copy, or one at another entry): which
                // one the JVM loads depends on the manifest and the entry, so the type has the supertypes of both.
                types.set(t, types.get(t).merge(h.isInterface(), h.superName().orElse(null), h.interfaces()));
            }
            unitType[i] = t;
        }
        CallGraph.Sigs sigs = new CallGraph.Sigs();
        CallGraph.Ids ids = reachability ? new CallGraph.Ids(typeIndex, sigs) : CallGraph.Ids.NONE;
        boolean substitutes = descriptors.values().stream().anyMatch(d -> policy.substitution(d.name()).isPresent());
        ReferenceJudge judge = new ReferenceJudge(index, manifest.capabilities(), supertypes.keySet(), shadowed, modules, hierarchy, ids,
                substitutes);
        exportGates(judge, jars, headers, descriptors);
        long setUp = System.nanoTime();

        // Pass 2: every reference of every class file. Each class is parsed again rather than kept
        // parsed between the passes: ASM's tables of a class can be larger than its bytes.
        int maxDepth = policy.limits().maxBootstrapDepth();
        int maxFindings = policy.limits().maxFindings();
        ClassScan.FindingCount count = new ClassScan.FindingCount(maxFindings);
        List<Integer> order = java.util.stream.IntStream.range(0, headers.size()).boxed().toList();
        CallGraph.Recorders recorders = new CallGraph.Recorders(ids);
        List<ClassScan.Result> results = runAll(order, executor, i -> {
            Header h = headers.get(i);
            ClassUnit u = h.unit();
            try {
                return ClassScan.scan(new ClassReader(u.bytes()), judge, u.jarIndex(), u.jar(), u.entry(), maxDepth, count,
                        reachability && unitType[i] >= 0 ? recorders : null);
            } catch (ScanException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw new ScanInputException(u.where() + ": class file cannot be read: " + unreadable(e), e);
            }
        });
        long passTwo = System.nanoTime();
        // Findings are counted as they are found (distinct ones, per class; no two classes share one),
        // and none is kept past the limit, so the findings held stay within it. The total does not
        // depend on scheduling, so neither does this outcome.
        if (count.exceeded()) {
            throw new ScanLimitException(String.format(Locale.ROOT,
                    "%s: more than %d findings, the limit; the archive is refused", image.source(), maxFindings));
        }

        TreeSet<Finding> findings = new TreeSet<>();
        // Jars the host replaces by its own copy (substitute-module): their code is never loaded.
        Map<String, PolicyRule> substituted = new HashMap<>();
        for (int ji = 1; ji < jars.size(); ji++) {
            JarImage j = jars.get(ji);
            int jarIndex = ji;
            java.lang.module.ModuleDescriptor descriptor = descriptors.get(j.name());
            String module = descriptor == null ? null : descriptor.name();
            if (module != null) {
                policy.substitution(module).ifPresent(rule -> {
                    substituted.put(j.name(), rule);
                    findings.add(new Finding(Severity.INFO, rule.ruleId(), rule.reason() + "; " + SUBSTITUTED, module, jarIndex, j.name(),
                            Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty()));
                });
            }
        }

        Optional<CallGraph> graph = Optional.empty();
        if (reachability) {
            List<CallGraph.ClassCalls> calls = new ArrayList<>(results.size());
            boolean[] annotated = new boolean[results.size()];
            Set<String> services = new HashSet<>();
            for (int i = 0; i < results.size(); i++) {
                calls.add(results.get(i).calls());
                annotated[i] = results.get(i).pluginEntry();
                if (results.get(i).calls() != null) {
                    results.get(i).calls().provides().forEach(services::add);
                }
            }
            jars.forEach(j -> services(j, services));
            boolean[] hostUnits = new boolean[headers.size()];
            for (int i = 0; i < headers.size(); i++) {
                hostUnits[i] = substituted.containsKey(headers.get(i).unit().jar());
            }
            graph = Optional.of(CallGraph.build(types, typeIndex, unitType, calls, annotated, services, hostUnits, sigs,
                    JdkTypes.instance(), policy.limits().maxCallGraphSize(), image.source().toString()));
        }

        long graphed = System.nanoTime();
        Set<Capability> used = EnumSet.noneOf(Capability.class);
        Optional<ClassUnit> entryClass = Optional.empty();
        for (int i = 0; i < results.size(); i++) {
            ClassScan.Result r = results.get(i);
            boolean replaced = substituted.containsKey(headers.get(i).unit().jar());
            for (Finding f : r.findings()) {
                Finding judged = graph.isPresent() ? judgedByReach(f, i, graph.get()) : f;
                findings.add(replaced && judged.severity() != Severity.INFO
                        ? judged.withSeverity(Severity.INFO, judged.reason() + "; " + SUBSTITUTED) : judged);
            }
            used.addAll(r.used());
            if (r.pluginEntry() && entryClass.isEmpty()) {
                entryClass = Optional.of(headers.get(i).unit());
            }
        }
        for (Capability c : manifest.capabilities()) {
            if (!used.contains(c)) {
                findings.add(unused(c, jars.get(0).name(), entryClass, headers));
            }
        }
        long bytes = units.stream().mapToLong(u -> u.bytes().length).sum();
        ScanReport report = new ScanReport(image.source().toString(), jars.stream().map(JarImage::name).toList(),
                units.size(), bytes, List.copyOf(findings), used);
        if (LOG.isDebugEnabled()) { // (the summary is built only for a log that shows it)
            LOG.debug("scanned {}: {} (pass 1 {} ms, set-up {} ms, pass 2 {} ms, call graph {} ms, findings and report {} ms)", image.source(),
                    report.summary(), (passOne - started) / 1_000_000, (setUp - passOne) / 1_000_000, (passTwo - setUp) / 1_000_000,
                    (graphed - passTwo) / 1_000_000, (System.nanoTime() - graphed) / 1_000_000);
        }
        return report;
    }

    /**
     * Whether the JVM never loads a class of this name from a plugin archive: a class of a {@code java}
     * package (no class loader but the JDK's may define one) or of a package java.base or the api exports
     * to all (a module of the plugin reads both; holding such a package too, its layer could not be
     * defined). A class file of that name is never the class it names, whatever its entry: the scan judges
     * the name as the JDK's (or the api's) type, and the file's own findings as reachable code.
     */
    static boolean neverLoaded(String internalName) {
        if (internalName.startsWith("java/")) {
            return true;
        }
        int slash = internalName.lastIndexOf('/');
        String pkg = slash < 0 ? "" : internalName.substring(0, slash);
        if (pkg.startsWith("dev/stigmem/api")) {
            return API.getPackages().contains(pkg.replace('/', '.')) && API.isExported(pkg.replace('/', '.'));
        }
        JdkTypes jdk = JdkTypes.instance();
        return jdk.moduleOf(pkg).filter(m -> m.equals("java.base") && jdk.exportedToAll(m, pkg)).isPresent();
    }

    private static final Module API = dev.stigmem.api.Plugin.class.getModule();
    private static final String ANNOTATION = "java/lang/annotation/Annotation";

    /** Findings the call graph does not judge: the capability model's, and the module descriptor's. */
    static final Set<String> ABSOLUTE = Set.of(RuleIds.CAPABILITY_ACCESSOR, RuleIds.CAPABILITY_HANDLE,
            RuleIds.CAPABILITY_UNUSED, RuleIds.MODULE_REQUIRES);

    /**
     * A JDK-policy finding as the call graph judges it: in reachable code (or a class-level reference of
     * a class reachable code uses) it stands, a DENY with the path that reaches it; in code nothing
     * reaches it is INFO. Capability findings are absolute: any reference anywhere counts.
     */
    private static Finding judgedByReach(Finding f, int unit, CallGraph graph) {
        if (ABSOLUTE.contains(f.rule())) {
            // Refused wherever it stands; where reachable code holds it, the path helps all the same.
            boolean withPath = f.severity() == Severity.DENY && f.method().isPresent() && graph.reachable(unit, f.method().get());
            return withPath ? f.withPath(graph.path(unit, f.method().get())) : f;
        }
        boolean reached = f.method().map(m -> graph.reachable(unit, m)).orElseGet(() -> graph.classLive(unit));
        if (!reached) {
            return f.withSeverity(Severity.INFO, f.reason() + "; " + UNREACHABLE);
        }
        if (f.severity() == Severity.DENY && f.method().isPresent()) {
            return f.withPath(graph.path(unit, f.method().get()));
        }
        return f;
    }

    /**
     * Tells the judge which archive classes stand in a package their explicit module does not export
     * to all, and each jar's module (automatic modules export everything; without descriptors, nothing is known).
     */
    private static void exportGates(ReferenceJudge judge, List<JarImage> jars, List<Header> headers,
                                    Map<String, java.lang.module.ModuleDescriptor> descriptors) {
        if (descriptors.isEmpty()) {
            return;
        }
        String[] jarModules = new String[jars.size()];
        Map<Integer, Map<String, Set<String>>> restricted = new HashMap<>();
        for (int i = 0; i < jars.size(); i++) {
            java.lang.module.ModuleDescriptor d = descriptors.get(jars.get(i).name());
            if (d == null) {
                continue;
            }
            jarModules[i] = d.name();
            if (d.isAutomatic()) {
                continue;
            }
            Map<String, Set<String>> packages = new HashMap<>();
            for (String p : d.packages()) {
                packages.put(p, Set.of());
            }
            for (java.lang.module.ModuleDescriptor.Exports e : d.exports()) {
                if (e.isQualified()) {
                    packages.computeIfPresent(e.source(), (k, v) -> Set.copyOf(e.targets()));
                } else {
                    packages.remove(e.source());
                }
            }
            if (!packages.isEmpty()) {
                restricted.put(i, packages);
            }
        }
        Map<String, ReferenceJudge.ExportGate> gates = new HashMap<>();
        if (!restricted.isEmpty()) {
            for (Header h : headers) {
                Map<String, Set<String>> packages = restricted.get(h.unit().jarIndex());
                if (packages == null || h.moduleName().isPresent()) {
                    continue;
                }
                String dotted = h.name().replace('/', '.');
                int dot = dotted.lastIndexOf('.');
                String pkg = dot < 0 ? "" : dotted.substring(0, dot);
                Set<String> targets = packages.get(pkg);
                if (targets != null) {
                    gates.put(dotted, new ReferenceJudge.ExportGate(jarModules[h.unit().jarIndex()], targets, pkg));
                }
            }
        }
        judge.exports(gates, jarModules);
    }

    /** The provider classes named by a jar's {@code META-INF/services} files (internal names). */
    private static void services(JarImage jar, Set<String> out) {
        jar.forEachEntryUnder("META-INF/services/", (name, bytes) -> {
            if (!name.endsWith("/")) {
                // Read as the JDK's module finder reads them for an automatic module (readLine, '#', trim):
                // trim() drops the control characters strip() keeps, so "p.Spi\u0001" names p.Spi.
                new java.io.BufferedReader(new java.io.StringReader(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)))
                        .lines().forEach(line -> {
                            int hash = line.indexOf('#');
                            String c = (hash >= 0 ? line.substring(0, hash) : line).trim();
                            if (!c.isEmpty()) {
                                out.add(c.replace('.', '/'));
                            }
                        });
            }
        });
    }

    private static Finding unused(Capability c, String pluginJar, Optional<ClassUnit> entryClass, List<Header> headers) {
        Optional<String> className = entryClass.flatMap(u -> headers.stream().filter(h -> h.unit() == u)
                .findFirst().map(h -> h.name().replace('/', '.')));
        return new Finding(Severity.WARN, RuleIds.CAPABILITY_UNUSED,
                String.format(Locale.ROOT, "Declared but never used (least privilege: drop it, or explain the need). %s",
                        c.reviewGuidance()),
                c.id(), 0, pluginJar, entryClass.map(ClassUnit::entry), className, Optional.empty(), OptionalInt.empty());
    }

    /** One class file of the archive. */
    private record ClassUnit(int jarIndex, String jar, String entry, byte[] bytes) {
        String where() {
            return jar + "!" + entry;
        }
    }

    /** The names sorted, each once (a class's direct supertypes: a few, so no tree set per class). */
    static List<String> sortedDistinct(List<String> names) {
        if (names.size() <= 1) {
            return List.copyOf(names);
        }
        String[] sorted = names.toArray(new String[0]);
        Arrays.sort(sorted);
        int distinct = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (!sorted[i].equals(sorted[distinct - 1])) {
                sorted[distinct++] = sorted[i];
            }
        }
        return List.of(Arrays.copyOf(sorted, distinct));
    }

    /** Both sorted lists' names, sorted, each once (the direct supertypes of two class files of one name). */
    static List<String> sortedUnion(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return sortedDistinct(all);
    }

    /** A class file checked and its header read (everything here was read inside the guard). */
    private record Header(ClassUnit unit, String name, List<String> supertypes, Optional<String> moduleName,
                          boolean isInterface, Optional<String> superName, List<String> interfaces) {
    }

    private static List<ClassUnit> collect(List<JarImage> jars, ScanPolicy policy) {
        List<ClassUnit> units = new ArrayList<>();
        int max = policy.limits().maxClasses();
        for (int i = 0; i < jars.size(); i++) {
            JarImage jar = jars.get(i);
            int index = i;
            jar.forEachEntry((name, bytes) -> {
                if (name.endsWith(".class")) {
                    if (units.size() >= max) {
                        throw new ScanLimitException(String.format(Locale.ROOT,
                                "%s!%s: the archive holds more than %d class files, the limit", jar.name(), name, max));
                    }
                    units.add(new ClassUnit(index, jar.name(), name, bytes));
                }
            });
        }
        return units;
    }

    private static Header header(ClassUnit u, ScanPolicy policy) {
        Optional<ClassFileCheck.Header> checked = ClassFileCheck.check(u.bytes(), policy.limits(), u.jar(), u.entry());
        if (checked.isPresent()) {
            // The check read the header on its way (a plain class): no ASM reader for it, pass 2 makes one.
            ClassFileCheck.Header h = checked.get();
            return classHeader(u, h.access(), h.name(), h.superName(), h.interfaces());
        }
        try {
            ClassReader reader = new ClassReader(u.bytes());
            Optional<String> module = Optional.empty();
            if ((reader.getAccess() & Opcodes.ACC_MODULE) != 0) {
                String[] name = new String[1];
                reader.accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public ModuleVisitor visitModule(String moduleName, int access, String version) {
                        name[0] = moduleName;
                        return null;
                    }
                }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
                module = Optional.ofNullable(name[0]);
                if (module.isEmpty()) {
                    throw new ScanInputException(u.where() + ": module descriptor without a Module attribute");
                }
            }
            if (module.isPresent()) {
                return new Header(u, reader.getClassName(), List.of(), module, (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0,
                        Optional.empty(), List.of());
            }
            return classHeader(u, reader.getAccess(), reader.getClassName(), Optional.ofNullable(reader.getSuperName()),
                    reader.getInterfaces());
        } catch (ScanException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ScanInputException(u.where() + ": class file cannot be read: " + unreadable(e), e);
        }
    }

    /** The header of a class or interface (not a module descriptor), from ClassFileCheck's reading or ASM's. */
    private static Header classHeader(ClassUnit u, int access, String name, Optional<String> superName, String[] interfaceNames) {
        List<String> interfaces = List.of(interfaceNames);
        List<String> supers = new ArrayList<>(interfaces.size() + 1);
        superName.ifPresent(supers::add);
        supers.addAll(interfaces);
        if ((access & Opcodes.ACC_ANNOTATION) != 0 && !interfaces.contains(ANNOTATION)) {
            // For the call graph: the JDK's proxies of an annotation interface implement Annotation, whether
            // or not the class file says so (CallGraph tells annotation interfaces by it).
            List<String> withAnnotation = new ArrayList<>(interfaces);
            withAnnotation.add(ANNOTATION);
            interfaces = List.copyOf(withAnnotation);
        }
        return new Header(u, name, List.copyOf(supers), Optional.empty(), (access & Opcodes.ACC_INTERFACE) != 0, superName,
                interfaces);
    }

    /**
     * Why ASM could not read a class file that passed the structure check, in words: the exception's
     * class stays in the cause (for {@code --verbose} and the JSON), not in the message.
     */
    static String unreadable(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "it nests too deeply to be read";
        }
        if (e instanceof IndexOutOfBoundsException) {
            return "a length or index in it points outside the file or its constant pool";
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return "it holds an instruction, constant, descriptor or attribute the JVM would refuse";
        }
        if (e instanceof ClassCastException || e instanceof NullPointerException) {
            return "a constant in it has the wrong type";
        }
        return "its content is inconsistent";
    }

    /**
     * Runs {@code work} on every item in batches on the executor and returns the results in item
     * order. When items fail, the failure of the first failing item (in archive order) is thrown, so
     * that the error does not depend on scheduling.
     */
    private static <T, R> List<R> runAll(List<T> items, Optional<Executor> executor, Function<T, R> work) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += BATCH) {
            chunks.add(items.subList(from, Math.min(items.size(), from + BATCH)));
        }
        Function<List<T>, List<Object>> runChunk = batch -> {
            List<Object> out = new ArrayList<>(batch.size());
            for (T item : batch) {
                try {
                    out.add(work.apply(item));
                } catch (ScanException e) {
                    out.add(e);
                }
            }
            return out;
        };
        List<CompletableFuture<List<Object>>> batches;
        if (executor.isPresent()) {
            batches = chunks.stream().map(c -> CompletableFuture.supplyAsync(() -> runChunk.apply(c), executor.get())).toList();
        } else {
            // An ordered parallel stream keeps chunk order, whatever thread ran which chunk.
            batches = chunks.parallelStream().map(runChunk).map(CompletableFuture::completedFuture).toList();
        }
        List<R> results = new ArrayList<>(items.size());
        ScanException first = null;
        int failures = 0;
        for (CompletableFuture<List<Object>> f : batches) {
            List<Object> out;
            try {
                out = f.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof Error error) {
                    // The JVM's own errors (out of memory above all) are not a verdict on the archive: they pass on.
                    throw error;
                }
                throw new ScanException("the scan failed unexpectedly: " + unreadable(e.getCause()), e.getCause());
            }
            for (Object o : out) {
                if (o instanceof ScanException e) {
                    failures++;
                    if (first == null) {
                        first = e;
                    }
                } else {
                    @SuppressWarnings("unchecked")
                    R r = (R) o;
                    results.add(r);
                }
            }
        }
        if (first != null) {
            if (failures > 1) {
                first.addSuppressed(new ScanException(String.format(Locale.ROOT, "%d more class files failed", failures - 1)));
            }
            throw first;
        }
        return results;
    }

    /** The module name a jar without a module descriptor gets on the module path (as {@code ModuleFinder} derives it). */
    static Optional<String> automaticModuleName(JarImage jar) {
        if (jar.entries().keySet().stream().anyMatch(n -> n.equals("module-info.class")
                || (n.startsWith("META-INF/versions/") && n.endsWith("/module-info.class")))) {
            return Optional.empty();
        }
        Optional<byte[]> mf = jar.entry("META-INF/MANIFEST.MF");
        if (mf.isPresent()) {
            try {
                String name = new Manifest(new ByteArrayInputStream(mf.get())).getMainAttributes()
                        .getValue(new Attributes.Name("Automatic-Module-Name"));
                if (name != null) {
                    return Optional.of(name.strip());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: unreadable manifest, deriving the module name from the file name: {}", jar.name(), e.toString());
            }
        }
        String base = jar.name().substring(jar.name().lastIndexOf('/') + 1);
        if (base.endsWith(".jar")) {
            base = base.substring(0, base.length() - 4);
        }
        var m = VERSION_SUFFIX.matcher(base);
        if (m.find()) {
            base = base.substring(0, m.start());
        }
        String name = base.replaceAll("[^A-Za-z0-9]", ".").replaceAll("(\\.)(\\1)+", ".")
                .replaceAll("^\\.", "").replaceAll("\\.$", "");
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
