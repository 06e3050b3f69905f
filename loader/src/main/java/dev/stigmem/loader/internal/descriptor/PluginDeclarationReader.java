package dev.stigmem.loader.internal.descriptor;

import dev.stigmem.api.ManifestError;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.internal.trust.EscapedText;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Finds and checks a plugin's declaration from bytecode and module descriptors, without loading
 * any class of the archive.
 *
 * <p>The module descriptors are the ones the JDK's module finder derived from the loader's private
 * copies of the jars, so the provider seen here is the one {@link java.util.ServiceLoader} will
 * instantiate: {@code provides} in an explicit module, {@code META-INF/services} in an automatic one.
 */
public final class PluginDeclarationReader {
    private static final String SERVICE = Plugin.class.getName();
    private static final String PLUGIN_INTERNAL = SERVICE.replace('.', '/');
    private static final int MAX_HIERARCHY_DEPTH = 64;

    private final Path archive;
    private final RequiresAllowlist allowlist;

    public PluginDeclarationReader(Path archive, RequiresAllowlist allowlist) {
        this.archive = archive;
        this.allowlist = allowlist;
    }

    /**
     * @param jars        the archive's jars, sorted by name
     * @param descriptors each jar's module descriptor as the JDK's module finder read it, by jar name
     * @throws PluginDeclarationException naming the archive, the jar or class, and the problem
     */
    public PluginDeclaration read(List<JarImage> jars, Map<String, ModuleDescriptor> descriptors) {
        record Provider(JarImage jar, ModuleDescriptor module, String className) {
        }
        List<Provider> providers = new ArrayList<>();
        for (JarImage jar : jars) {
            ModuleDescriptor d = descriptors.get(jar.name());
            for (ModuleDescriptor.Provides p : d.provides()) {
                if (p.service().equals(SERVICE)) {
                    p.providers().forEach(cn -> providers.add(new Provider(jar, d, cn)));
                }
            }
        }
        if (providers.isEmpty()) {
            String hint = jars.stream()
                    .filter(j -> !descriptors.get(j.name()).isAutomatic()
                            && j.entries().containsKey("META-INF/services/" + SERVICE))
                    .findFirst()
                    .map(j -> "; jar '" + j.name() + "' has META-INF/services/" + SERVICE
                            + " but is an explicit module, which must declare 'provides " + SERVICE + " with ...' in module-info")
                    .orElse("");
            throw fail(Optional.empty(), "no entry class: no jar provides " + SERVICE
                    + " (module-info 'provides' or META-INF/services/" + SERVICE + ")" + hint);
        }
        if (providers.size() > 1) {
            List<String> names = providers.stream().map(p -> p.jar().name() + ":" + p.className()).sorted().toList();
            throw fail(Optional.empty(), String.format(Locale.ROOT,
                    "%d entry classes, exactly one is allowed: %s", providers.size(), String.join(", ", names)));
        }
        Provider entry = providers.get(0);
        String entryName = entry.className();
        Optional<String> where = Optional.of(entry.jar().name() + ":" + entryName);

        ClassIndex index = new ClassIndex(archive, jars);
        String internal = entryName.replace('.', '/');
        ClassFacts facts = index.facts(internal, where)
                .orElseThrow(() -> fail(where, "the entry class file is not in the archive"));
        if (!facts.internalName().equals(internal)) {
            throw fail(where, "the entry class file declares another class, " + facts.internalName().replace('/', '.'));
        }
        if (facts.isInterface() || (facts.isAbstract() && !facts.hasProviderMethod()) || !facts.isPublic()) {
            throw fail(where, "the entry class must be a public, concrete class (or declare public static provider())");
        }
        if (!implementsPlugin(index, internal, new HashSet<>(), 0, where)) {
            throw fail(where, "the entry class does not implement " + SERVICE
                    + " (checked through its superclasses and interfaces in the archive)");
        }
        PluginManifest manifest = manifest(facts, where);
        for (JarImage jar : jars) {
            checkRequires(jar, descriptors, jars);
        }
        JarImage pluginJar = entry.jar();
        List<JarImage> libraries = jars.stream().filter(j -> j != pluginJar).toList();
        return new PluginDeclaration(new ArchiveImage(archive, pluginJar, libraries), entry.module().name(),
                entry.module().isAutomatic(), entryName, manifest);
    }

    private PluginManifest manifest(ClassFacts facts, Optional<String> where) {
        if (facts.manifestCount() == 0) {
            throw fail(where, "the entry class carries no @StigmemPlugin manifest");
        }
        if (facts.manifestCount() > 1) {
            throw fail(where, "the entry class carries @StigmemPlugin more than once");
        }
        Map<String, Object> v = facts.manifest().orElseThrow();
        List<String> problems = new ArrayList<>();
        String name = string(v, "name", problems);
        String version = string(v, "version", problems);
        String requires = string(v, "requires", problems);
        List<String> caps = strings(v, "capabilities", problems);
        List<String> deps = strings(v, "dependsOn", problems);
        if (!problems.isEmpty()) {
            throw fail(where, "invalid @StigmemPlugin: " + String.join("; ", problems));
        }
        try {
            return PluginManifest.of(name, version, requires, caps, deps);
        } catch (ManifestError e) {
            throw new PluginDeclarationException(archive, where, EscapedText.of(String.valueOf(e.getMessage())), e);
        }
    }

    private static String string(Map<String, Object> v, String element, List<String> problems) {
        Object o = v.get(element);
        if (o == null) {
            return null;
        }
        if (!(o instanceof String s)) {
            problems.add("element '" + element + "' is not a string");
            return null;
        }
        return s;
    }

    private static List<String> strings(Map<String, Object> v, String element, List<String> problems) {
        Object o = v.get(element);
        if (o == null) {
            return List.of();
        }
        if (o instanceof String s) {
            return List.of(s);
        }
        if (o instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        problems.add("element '" + element + "' is not a string array");
        return List.of();
    }

    private boolean implementsPlugin(ClassIndex index, String internal, Set<String> seen, int depth, Optional<String> where) {
        if (internal.equals(PLUGIN_INTERNAL)) {
            return true;
        }
        if (depth > MAX_HIERARCHY_DEPTH || !seen.add(internal)) {
            return false;
        }
        Optional<ClassFacts> facts = index.facts(internal, where);
        if (facts.isEmpty()) {
            return apiTypeExtendsPlugin(internal);
        }
        for (String i : facts.get().interfaces()) {
            if (implementsPlugin(index, i, seen, depth + 1, where)) {
                return true;
            }
        }
        return facts.get().superName().map(s -> implementsPlugin(index, s, seen, depth + 1, where)).orElse(false);
    }

    /**
     * A supertype outside the archive: only an api type can lead to {@code Plugin}, and the api is
     * the host's own module, so asking its loader is safe. JDK types never implement it.
     */
    private static boolean apiTypeExtendsPlugin(String internal) {
        if (!internal.startsWith("dev/stigmem/api/")) {
            return false;
        }
        try {
            Class<?> c = Class.forName(internal.replace('/', '.'), false, Plugin.class.getClassLoader());
            return Plugin.class.isAssignableFrom(c);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private void checkRequires(JarImage jar, Map<String, ModuleDescriptor> descriptors, List<JarImage> jars) {
        ModuleDescriptor d = descriptors.get(jar.name());
        Set<String> own = new HashSet<>();
        jars.forEach(j -> own.add(descriptors.get(j.name()).name()));
        List<String> refused = new ArrayList<>();
        for (ModuleDescriptor.Requires r : d.requires()) {
            // A requires static of a module neither bundled nor allowed creates no edge: the layer
            // drops it (PluginLayers), so the module is simply absent, as javac's contract allows.
            boolean optional = r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
            if (!optional && !own.contains(r.name()) && allowlist.reason(r.name()).isEmpty()) {
                refused.add(r.name());
            }
        }
        if (!refused.isEmpty()) {
            refused.sort(null);
            throw fail(Optional.of(jar.name() + ":module " + d.name()), String.format(Locale.ROOT,
                    "requires %s, not on the allowlist (%s)", String.join(", ", refused),
                    String.join(", ", allowlist.reasons().keySet())));
        }
    }

    private PluginDeclarationException fail(Optional<String> where, String reason) {
        // One line: class, provider and module names come from the archive and are escaped whole.
        return new PluginDeclarationException(archive, where, EscapedText.of(reason));
    }

    /** Class files of every jar of the archive, multi-release aware, parsed on demand. */
    private static final class ClassIndex {
        private final Path archive;
        private final List<JarImage> jars;
        private final Map<JarImage, Boolean> multiRelease = new HashMap<>();
        private final Map<String, Optional<ClassFacts>> parsed = new HashMap<>();
        private final int feature = Runtime.version().feature();

        ClassIndex(Path archive, List<JarImage> jars) {
            this.archive = archive;
            this.jars = jars;
        }

        Optional<ClassFacts> facts(String internal, Optional<String> where) {
            Optional<ClassFacts> cached = parsed.get(internal);
            if (cached != null) {
                return cached;
            }
            Optional<ClassFacts> result = Optional.empty();
            for (JarImage jar : jars) {
                Optional<byte[]> bytes = classBytes(jar, internal);
                if (bytes.isPresent()) {
                    try {
                        result = Optional.of(ClassFacts.read(bytes.get()));
                    } catch (IllegalArgumentException e) {
                        throw new PluginDeclarationException(archive, Optional.of(jar.name() + "!/" + internal + ".class"),
                                EscapedText.of(String.valueOf(e.getMessage())), e);
                    }
                    break;
                }
            }
            parsed.put(internal, result);
            return result;
        }

        /** The entry the JDK's JarFile would return for this runtime: the highest versioned one, else the base. */
        private Optional<byte[]> classBytes(JarImage jar, String internal) {
            String entry = internal + ".class";
            if (multiRelease.computeIfAbsent(jar, ClassIndex::isMultiRelease)) {
                for (int v = feature; v >= 9; v--) {
                    Optional<byte[]> b = jar.entry("META-INF/versions/" + v + "/" + entry);
                    if (b.isPresent()) {
                        return b;
                    }
                }
            }
            return jar.entry(entry);
        }

        private static boolean isMultiRelease(JarImage jar) {
            return jar.entry("META-INF/MANIFEST.MF").map(bytes -> {
                try {
                    Manifest m = new Manifest(new java.io.ByteArrayInputStream(bytes));
                    return "true".equalsIgnoreCase(m.getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
                } catch (java.io.IOException e) {
                    return false;
                }
            }).orElse(false);
        }
    }
}
