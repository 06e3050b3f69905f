package dev.stigmem.loader.internal.layer;

import dev.stigmem.api.Plugin;
import dev.stigmem.loader.LayerResolutionException;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one module layer per plugin: every module of the archive, defined to one class loader
 * whose parent is the platform class loader (narrowed by {@link PlatformModulesLoader} to the
 * allowed JDK packages), above the layer that holds {@code dev.stigmem.api}.
 *
 * <p>What a plugin shares with the host is the api and the allowed JDK modules, nothing else. The
 * host's own libraries (the node's Jackson and SLF4J, an embedding host's, a test JVM's) are
 * invisible: a plugin may bundle any version of a module the host also holds, under the same name,
 * and its modules read that copy; and a plugin module that would read any host module other than
 * the api and the allowed JDK modules (those, and what they {@code requires transitive}) is refused
 * after resolution ({@link #define}). The JDK's and Stigmem's module names and packages stay
 * reserved ({@link #isReserved}).
 *
 * <p>Thread-safe: the package index of the parent layers is computed once.
 */
public final class PluginLayers {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLayers.class);

    private final ModuleLayer parent;
    private final Set<String> allowedModules;
    private final Predicate<String> allowedPackage;
    /** Computed at the first {@link #define}: {@code stigmem scan} and review read archives and define no layer. */
    private volatile HostIndex hostIndex;

    /**
     * What defining a layer needs of the parent layers: which host module holds each package, the
     * narrowed platform loader, and the host modules a plugin module may read: the api, the allowed
     * JDK modules and what they require transitively (a module requiring java.sql reads java.xml: the
     * JDK's own implied readability).
     */
    private record HostIndex(Map<String, String> parentPackages, PlatformModulesLoader platform, Set<String> readableHostModules) {
    }

    private PluginLayers(ModuleLayer parent, Set<String> allowedModules, Predicate<String> allowedPackage) {
        this.parent = parent;
        this.allowedModules = Set.copyOf(allowedModules);
        this.allowedPackage = allowedPackage;
        // Not in the parent layers at all: the api (allowed too) is held by the host's own loader.
        Set<String> absent = new TreeSet<>();
        allowedModules.stream().filter(m -> parent.findModule(m).isEmpty()).forEach(absent::add);
        if (!absent.isEmpty()) {
            LOG.warn("the scan policy allows plugins to require {}, which the host's boot layer does not hold; "
                    + "a plugin requiring one is refused (start the host with --add-modules {})",
                    absent, String.join(",", absent));
        }
    }

    private HostIndex hostIndex() {
        HostIndex index = hostIndex;
        if (index == null) {
            synchronized (this) {
                index = hostIndex;
                if (index == null) {
                    index = indexHost();
                    hostIndex = index;
                }
            }
        }
        return index;
    }

    private HostIndex indexHost() {
        Map<String, String> parentPackages = new HashMap<>();
        Set<String> platformPackages = new java.util.HashSet<>();
        ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
        Map<String, Module> jdkModules = new HashMap<>();
        for (ModuleLayer l : layersOf(parent)) {
            for (Module m : l.modules()) {
                m.getPackages().forEach(p -> parentPackages.putIfAbsent(p, m.getName()));
                boolean jdk = m.getClassLoader() == null || m.getClassLoader() == platformLoader;
                if (jdk) {
                    jdkModules.putIfAbsent(m.getName(), m);
                }
                if (jdk && m.getName().equals("java.base")) {
                    platformPackages.addAll(m.getPackages());
                } else if (jdk && allowedModules.contains(m.getName())) {
                    // Package by package: allowing java.desktop for java.beans does not expose java.awt.
                    m.getPackages().stream().filter(allowedPackage).forEach(platformPackages::add);
                }
            }
        }
        Set<String> readable = new TreeSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(allowedModules);
        todo.add("dev.stigmem.api");
        todo.add("java.base");
        while (!todo.isEmpty()) {
            String name = todo.pop();
            Optional<Module> m = name.equals("dev.stigmem.api") ? parent.findModule(name) : Optional.ofNullable(jdkModules.get(name));
            if (m.isPresent() && readable.add(name)) {
                m.get().getDescriptor().requires().stream()
                        .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                        .forEach(r -> todo.add(r.name()));
            }
        }
        return new HostIndex(parentPackages, new PlatformModulesLoader(platformPackages), Set.copyOf(readable));
    }

    /**
     * The layers above the one holding {@code dev.stigmem.api}.
     *
     * @param allowedModules the JDK modules plugin modules may require (allow-module)
     * @param allowedPackage which packages of those modules (other than java.base) a plugin may load
     *                       by name (allow-package, not deny-package)
     * @throws IllegalStateException with what to add to the command line when the api is not a named module
     */
    public static PluginLayers aboveApi(Set<String> allowedModules, Predicate<String> allowedPackage) {
        Module api = Plugin.class.getModule();
        if (!api.isNamed() || api.getLayer() == null) {
            throw new IllegalStateException("dev.stigmem.api is on the class path (unnamed module), so plugin modules "
                    + "cannot read it; run the host with the api jar as a named module: "
                    + "-p stigmem-api.jar --add-modules dev.stigmem.api");
        }
        return new PluginLayers(api.getLayer(), allowedModules, allowedPackage);
    }

    /**
     * Layers above a given parent, which must hold {@code dev.stigmem.api}. */
    public static PluginLayers above(ModuleLayer parent, Set<String> allowedModules, Predicate<String> allowedPackage) {
        if (parent.findModule("dev.stigmem.api").isEmpty()) {
            throw new IllegalArgumentException("the parent layer does not hold the module dev.stigmem.api");
        }
        return new PluginLayers(parent, allowedModules, allowedPackage);
    }

    public ModuleLayer parent() {
        return parent;
    }

    /**
     * Resolves and defines the archive's modules. A sealed plain jar then reads every other module
     * of its archive, as the automatic module it replaces would have.
     *
     * @param archive the operator's archive, for messages
     * @param modules every module of the archive, by jar name
     * @throws LayerResolutionException on a reserved name or package, a clash inside the archive, a read of a
     *                                   host module outside the api and the allowed JDK modules, or when resolution fails
     */
    public Defined define(Path archive, Map<String, ModuleReference> modules) {
        return define(archive, modules, Set.of(), Map.of());
    }

    /**
     * Resolves and defines the archive's modules, with the host's copies of the {@code substituted}
     * modules in place of the archive's: a jar holding one is left out, and the modules {@code supplied}
     * for it are defined in a layer of their own between the parent and the plugin's layer (one per
     * plugin, so that no two plugins share a library's static state), with a class loader of their own,
     * and started by the host before the plugin's layer exists.
     *
     * @param substituted the module names the host replaces (the policy's {@code substitute-module} lines)
     * @param supplied    what the host supplies for each, by module name
     * @throws LayerResolutionException also when the archive holds a substituted module the host does not supply
     */
    public Defined define(Path archive, Map<String, ModuleReference> modules, Set<String> substituted,
                          Map<String, dev.stigmem.loader.ModuleSubstitute> supplied) {
        Map<String, ModuleReference> own = new java.util.LinkedHashMap<>();
        java.util.TreeMap<String, dev.stigmem.loader.ModuleSubstitute> replacing = new java.util.TreeMap<>();
        for (var e : modules.entrySet()) {
            String name = e.getValue().descriptor().name();
            if (!substituted.contains(name)) {
                own.put(e.getKey(), e.getValue());
                continue;
            }
            dev.stigmem.loader.ModuleSubstitute s = supplied.get(name);
            if (s == null) {
                throw new LayerResolutionException(archive, Optional.of(e.getKey() + ":module " + name), String.format(Locale.ROOT,
                        "module %s is one the host supplies in place of a plugin's own copy (scan policy line "
                                + "substitute-module %s), but this host supplies none; remove %s from the archive",
                        name, name, e.getKey()));
            }
            replacing.put(name, s);
        }
        if (replacing.isEmpty()) {
            return defineOwn(archive, own, parent, Set.of());
        }
        ModuleLayer host = defineSupplied(archive, replacing);
        return defineOwn(archive, own, host, replacing.keySet());
    }

    /** The host's copies of substituted modules, in a layer of their own above the parent, started by the host. */
    private ModuleLayer defineSupplied(Path archive, java.util.SortedMap<String, dev.stigmem.loader.ModuleSubstitute> replacing) {
        List<ModuleFinder> finders = new java.util.ArrayList<>();
        Set<String> roots = new TreeSet<>();
        for (dev.stigmem.loader.ModuleSubstitute s : replacing.values()) {
            finders.add(s.finder());
            roots.add(s.moduleName());
            roots.addAll(s.companions());
        }
        ModuleLayer layer;
        try {
            Configuration cf = parent.configuration().resolve(ModuleFinder.compose(finders.toArray(ModuleFinder[]::new)),
                    ModuleFinder.of(), roots);
            layer = ModuleLayer.defineModulesWithOneLoader(cf, List.of(parent), hostIndex().platform()).layer();
        } catch (ResolutionException | LayerInstantiationException | SecurityException e) {
            throw new LayerResolutionException(archive, Optional.of("module " + String.join(", ", replacing.keySet())),
                    "the host's own copy cannot be defined: " + ModuleJars.rootMessage(e), e);
        }
        for (dev.stigmem.loader.ModuleSubstitute s : replacing.values()) {
            try {
                s.start().accept(layer);
            } catch (RuntimeException | LinkageError e) {
                throw new LayerResolutionException(archive, Optional.of("module " + s.moduleName()),
                        "the host's own copy cannot be started: " + ModuleJars.rootMessage(e), e);
            }
        }
        return layer;
    }

    private Defined defineOwn(Path archive, Map<String, ModuleReference> modules, ModuleLayer below, Set<String> supplied) {
        Map<String, String> parentPackages = hostIndex().parentPackages();
        Map<String, String> moduleToJar = new HashMap<>();
        Map<String, String> packageToModule = new HashMap<>();
        for (var e : modules.entrySet()) {
            ModuleDescriptor d = e.getValue().descriptor();
            Optional<String> where = Optional.of(e.getKey() + ":module " + d.name());
            String other = moduleToJar.putIfAbsent(d.name(), e.getKey());
            if (other != null) {
                throw new LayerResolutionException(archive, where, String.format(Locale.ROOT,
                        "duplicate module name: jars '%s' and '%s' both hold module %s", other, e.getKey(), d.name()));
            }
            if (isReservedModule(d.name())) {
                throw new LayerResolutionException(archive, where, String.format(Locale.ROOT,
                        "reserved module name: %s is a name of the JDK or of Stigmem", d.name()));
            }
            for (String p : new TreeSet<>(d.packages())) {
                String hostModule = parentPackages.get(p);
                if (hostModule != null && isReserved(p)) {
                    throw new LayerResolutionException(archive, where, String.format(Locale.ROOT,
                            "split package: package %s is already in host module %s", p, hostModule));
                }
                String sibling = packageToModule.putIfAbsent(p, d.name());
                if (sibling != null) {
                    throw new LayerResolutionException(archive, where, String.format(Locale.ROOT,
                            "split package: package %s is in both module %s and module %s", p, sibling, d.name()));
                }
            }
        }
        Map<String, ModuleReference> narrowed = withoutForeignStaticRequires(archive, modules, moduleToJar, supplied);
        // The layer's class loader opens each jar through these references and never closes it:
        // LayerJars does, when the plugin is unloaded.
        LayerJars jars = new LayerJars();
        Map<String, ModuleReference> tracked = new java.util.LinkedHashMap<>();
        narrowed.forEach((jar, ref) -> tracked.put(jar, jars.track(ref)));
        Collection<ModuleReference> refs = tracked.values();
        ModuleFinder finder = new FixedFinder(refs);
        Configuration cf;
        try {
            cf = Configuration.resolve(finder, List.of(below.configuration()), ModuleFinder.of(), moduleToJar.keySet());
        } catch (ResolutionException | SecurityException e) {
            throw new LayerResolutionException(archive, Optional.empty(),
                    "the modules cannot be resolved: " + ModuleJars.rootMessage(e), e);
        }
        for (ResolvedModule m : cf.modules()) {
            if (!moduleToJar.containsKey(m.name())) {
                throw new LayerResolutionException(archive, Optional.of("module " + m.name()),
                        "resolution pulled in a module that is not in the archive");
            }
        }
        checkReads(archive, cf, moduleToJar, supplied, below.configuration());
        try {
            ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(below), hostIndex().platform());
            ModuleLayer layer = controller.layer();
            for (ModuleReference ref : modules.values()) {
                if (SealedModules.isSealed(ref)) {
                    Module sealed = layer.findModule(ref.descriptor().name()).orElseThrow();
                    layer.modules().stream().filter(m -> m != sealed).forEach(m -> controller.addReads(sealed, m));
                }
            }
            return new Defined(layer, jars);
        } catch (LayerInstantiationException | SecurityException e) {
            throw new LayerResolutionException(archive, Optional.empty(),
                    "the layer cannot be defined: " + ModuleJars.rootMessage(e), e);
        }
    }

    /**
     * A defined layer and the jars its class loader reads, which {@link LayerJars#close()} closes.
     */
    public record Defined(ModuleLayer layer, LayerJars jars) {
    }

    /**
     * A {@code requires static} creates a read edge only when the module is there anyway; the
     * resolver would find it among the host's modules (a library's {@code requires static} of an
     * annotation module the node happens to hold). Such requires of modules that are neither in the
     * archive nor allowed are dropped from the descriptor the layer is defined with, so they create
     * no edge, as they would not in a JVM holding only the api and the JDK. A non-static
     * {@code requires} of an allowed module the host does not hold is refused here in words.
     */
    private Map<String, ModuleReference> withoutForeignStaticRequires(Path archive, Map<String, ModuleReference> modules,
                                                                      Map<String, String> moduleToJar, Set<String> supplied) {
        Map<String, ModuleReference> out = new java.util.LinkedHashMap<>();
        for (var e : modules.entrySet()) {
            ModuleReference ref = e.getValue();
            ModuleDescriptor d = ref.descriptor();
            boolean drop = false;
            for (ModuleDescriptor.Requires r : d.requires()) {
                boolean own = moduleToJar.containsKey(r.name()) || supplied.contains(r.name());
                boolean inHost = parent.findModule(r.name()).isPresent();
                boolean isStatic = r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
                if (isStatic && !own && (!allowedModules.contains(r.name()) || !inHost)) {
                    drop = true;
                } else if (!isStatic && !own && allowedModules.contains(r.name()) && !inHost) {
                    throw new LayerResolutionException(archive, Optional.of(e.getKey() + ":module " + d.name()),
                            String.format(Locale.ROOT, "requires %s, which the scan policy allows but the host's boot "
                                    + "layer does not hold: start the host with --add-modules %s", r.name(), r.name()));
                }
            }
            out.put(e.getKey(), drop ? SealedModules.withoutStaticRequires(ref, r -> moduleToJar.containsKey(r) || supplied.contains(r)
                    || (allowedModules.contains(r) && parent.findModule(r).isPresent())) : ref);
        }
        return out;
    }

    /**
     * A plugin module reads its archive's modules, the api and the allowed JDK modules, nothing else
     * of the host: not a library the node uses, even when a plugin module requires one it does not
     * bundle (the declaration check refuses that first; this holds whatever got past it).
     */
    private void checkReads(Path archive, Configuration cf, Map<String, String> moduleToJar, Set<String> supplied,
                            Configuration hostCopies) {
        Set<String> readableHostModules = hostIndex().readableHostModules();
        for (ResolvedModule m : new java.util.TreeMap<>(cf.modules().stream()
                .collect(java.util.stream.Collectors.toMap(ResolvedModule::name, x -> x))).values()) {
            for (ResolvedModule read : m.reads()) {
                if (read.configuration() == cf || readableHostModules.contains(read.name())
                        || (supplied.contains(read.name()) && read.configuration() == hostCopies)) {
                    continue;
                }
                throw new LayerResolutionException(archive, Optional.of(moduleToJar.get(m.name()) + ":module " + m.name()),
                        String.format(Locale.ROOT, "module %s would read the host's module %s; plugins share only "
                                + "dev.stigmem.api and the allowed JDK modules (%s) with the host: bundle %s in the archive",
                                m.name(), read.name(), String.join(", ", new TreeSet<>(allowedModules)), read.name()));
            }
        }
    }

    /**
     * Packages of the platform and of Stigmem itself are refused even where JPMS would allow a copy
     * in another class loader: a plugin class named like a host class only confuses reviewers and
     * stack traces. Other clashes with host packages are allowed: a plugin's private copy of a
     * library the host also uses is the point of one layer per plugin.
     */
    private static boolean isReserved(String pkg) {
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")
                || pkg.startsWith("com.sun.") || pkg.equals("dev.stigmem") || pkg.startsWith("dev.stigmem.");
    }

    /** Module names of the JDK and of Stigmem, which no plugin module may take. */
    private static boolean isReservedModule(String name) {
        return name.equals("java.base") || name.startsWith("java.") || name.startsWith("jdk.")
                || name.equals("dev.stigmem") || name.startsWith("dev.stigmem.");
    }

    private static List<ModuleLayer> layersOf(ModuleLayer top) {
        java.util.ArrayList<ModuleLayer> all = new java.util.ArrayList<>();
        java.util.ArrayDeque<ModuleLayer> todo = new java.util.ArrayDeque<>(List.of(top));
        java.util.Set<ModuleLayer> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            ModuleLayer l = todo.pop();
            if (seen.add(l)) {
                all.add(l);
                todo.addAll(l.parents());
            }
        }
        return all;
    }

    /** A finder over exactly the archive's module references (already read by the JDK's finder). */
    private record FixedFinder(Collection<ModuleReference> refs) implements ModuleFinder {
        @Override
        public Optional<ModuleReference> find(String name) {
            return refs.stream().filter(r -> r.descriptor().name().equals(name)).findFirst();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.copyOf(refs);
        }
    }
}
