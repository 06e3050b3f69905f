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

/**
 * Builds one module layer per plugin: every module of the archive, defined to one class loader
 * whose parent is the platform class loader (narrowed by {@link PlatformModulesLoader} to the
 * allowed JDK modules), above the layer that holds {@code dev.stigmem.api}.
 *
 * <p>The class loader delegates to the api's loader only for the packages the api exports, and to
 * the narrowed platform loader for the rest, so neither the host's class path, nor its internal
 * modules, nor other plugins' layers are visible. Module names the parent layers already hold are
 * refused before resolution (the resolver would otherwise let a plugin module shadow a host module
 * of the same name), and so are the JDK's and Stigmem's own packages ({@link #isReserved}); other
 * host packages are left to the resolver.
 *
 * <p>Thread-safe: the package index of the parent layers is computed once.
 */
public final class PluginLayers {
    private final ModuleLayer parent;
    private final Map<String, String> parentPackages = new HashMap<>();
    private final PlatformModulesLoader platform;
    // Host module names an archive may reuse (test harnesses only; see PluginLoader.Builder#allowShadowing).
    private final Set<String> shadowing;

    private PluginLayers(ModuleLayer parent, Set<String> allowedModules, Set<String> shadowing) {
        this.parent = parent;
        this.shadowing = Set.copyOf(shadowing);
        Set<String> platformPackages = new java.util.HashSet<>();
        ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
        for (ModuleLayer l : layersOf(parent)) {
            for (Module m : l.modules()) {
                m.getPackages().forEach(p -> parentPackages.putIfAbsent(p, m.getName()));
                boolean jdk = m.getClassLoader() == null || m.getClassLoader() == platformLoader;
                if (jdk && (m.getName().equals("java.base") || allowedModules.contains(m.getName()))) {
                    platformPackages.addAll(m.getPackages());
                }
            }
        }
        this.platform = new PlatformModulesLoader(platformPackages);
    }

    /**
     * The layers above the one holding {@code dev.stigmem.api}.
     *
     * @throws IllegalStateException with what to add to the command line when the api is not a named module
     */
    public static PluginLayers aboveApi(Set<String> allowedModules, Set<String> shadowing) {
        Module api = Plugin.class.getModule();
        if (!api.isNamed() || api.getLayer() == null) {
            throw new IllegalStateException("dev.stigmem.api is on the class path (unnamed module), so plugin modules "
                    + "cannot read it; run the host with the api jar as a named module: "
                    + "-p stigmem-api.jar --add-modules dev.stigmem.api");
        }
        return new PluginLayers(api.getLayer(), allowedModules, shadowing);
    }

    /**
     * Layers above a given parent, which must hold {@code dev.stigmem.api}. */
    public static PluginLayers above(ModuleLayer parent, Set<String> allowedModules, Set<String> shadowing) {
        if (parent.findModule("dev.stigmem.api").isEmpty()) {
            throw new IllegalArgumentException("the parent layer does not hold the module dev.stigmem.api");
        }
        return new PluginLayers(parent, allowedModules, shadowing);
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
     * @throws LayerResolutionException on a name or package clash, or when resolution fails
     */
    public Defined define(Path archive, Map<String, ModuleReference> modules) {
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
            boolean shadows = shadowing.contains(d.name());
            if (parent.findModule(d.name()).isPresent() && !shadows) {
                throw new LayerResolutionException(archive, where, String.format(Locale.ROOT,
                        "module name clash with the host: the host already has a module named %s", d.name()));
            }
            for (String p : new TreeSet<>(d.packages())) {
                String hostModule = parentPackages.get(p);
                if (hostModule != null && isReserved(p) && !(shadows && hostModule.equals(d.name()))) {
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
        // The layer's class loader opens each jar through these references and never closes it:
        // LayerJars does, when the plugin is unloaded.
        LayerJars jars = new LayerJars();
        Map<String, ModuleReference> tracked = new java.util.LinkedHashMap<>();
        modules.forEach((jar, ref) -> tracked.put(jar, jars.track(ref)));
        Collection<ModuleReference> refs = tracked.values();
        ModuleFinder finder = new FixedFinder(refs);
        Configuration cf;
        try {
            cf = parent.configuration().resolve(finder, ModuleFinder.of(), moduleToJar.keySet());
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
        try {
            ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(parent), platform);
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
     * Packages of the platform and of Stigmem itself are refused even where JPMS would allow a copy
     * in another class loader: a plugin class named like a host class only confuses reviewers and
     * stack traces. Other clashes with host packages are left to the resolver, which refuses the
     * ones the plugin module would read (a real split package) and allows private copies of
     * libraries the host also uses.
     */
    private static boolean isReserved(String pkg) {
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")
                || pkg.startsWith("com.sun.") || pkg.equals("dev.stigmem") || pkg.startsWith("dev.stigmem.");
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
