package dev.stigmem.loader.internal.scan;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supertypes of JDK classes, read from the runtime image's class files (through the system
 * modules' {@link ModuleReader}s) without loading any class, so that a class rule on {@code java.lang.ClassLoader} also covers
 * {@code java.net.URLClassLoader}, and a member rule on {@code Thread#start} a call through a JDK
 * subclass. Every system module is visible this way, whether or not the boot layer resolved it.
 * Thread-safe; shared by all scans.
 */
final class JdkTypes {

    private static final Logger LOG = LoggerFactory.getLogger(JdkTypes.class);
    private static final JdkTypes INSTANCE = new JdkTypes();

    private final Map<String, String> moduleOfPackage;
    /** The packages each system module exports to every module (a qualified export does not reach a plugin). */
    private final Map<String, java.util.Set<String>> exportedPackages;
    /** The modules each system module requires transitively (directly). */
    private final Map<String, List<String>> transitiveRequires;
    /** The system modules, by name, whose class files are read. */
    private final Map<String, ModuleReference> systemModules;
    /**
     * Each system module's reader, opened when first needed and kept open for the process (the runtime
     * image is mapped once and shared; a reader holds no resource of its own). A module whose reader
     * cannot be opened maps to {@link #NO_READER}.
     */
    private final ConcurrentHashMap<String, Optional<ModuleReader>> readers = new ConcurrentHashMap<>();
    private static final Optional<ModuleReader> NO_READER = Optional.empty();
    private final ConcurrentHashMap<String, List<String>> supertypes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ExternalClass> externals = new ConcurrentHashMap<>();

    /**
     * A class outside the archive (of the JDK or of {@code dev.stigmem.api}) as the call graph needs it:
     * its direct supertypes and the methods it declares that a subclass can override or implement
     * ({@code name + descriptor}; neither static, private nor constructors).
     */
    record ExternalClass(List<String> supertypes, List<String> overridable) {
    }

    private JdkTypes() {
        Map<String, String> modules = new HashMap<>();
        Map<String, java.util.Set<String>> exported = new HashMap<>();
        Map<String, List<String>> transitive = new HashMap<>();
        Map<String, ModuleReference> refs = new HashMap<>();
        for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
            ModuleDescriptor d = ref.descriptor();
            refs.put(d.name(), ref);
            transitive.put(d.name(), d.requires().stream()
                    .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)).map(ModuleDescriptor.Requires::name).toList());
            for (String p : d.packages()) {
                modules.put(p.replace('.', '/'), d.name());
            }
            java.util.Set<String> out = new java.util.HashSet<>();
            for (ModuleDescriptor.Exports e : d.exports()) {
                if (!e.isQualified()) {
                    out.add(e.source().replace('.', '/'));
                }
            }
            exported.put(d.name(), java.util.Set.copyOf(out));
        }
        // (A HashMap, read-only: looked up for every package a scan meets, mostly missing; see CallGraph#SERIALIZER_NAMES.)
        moduleOfPackage = java.util.Collections.unmodifiableMap(modules);
        exportedPackages = Map.copyOf(exported);
        transitiveRequires = Map.copyOf(transitive);
        systemModules = Map.copyOf(refs);
    }

    /**
     * The reader of a system module. The modules' own readers rather than the {@code jrt:/} file system:
     * they look a class up in the image directly, where {@code jrt:/} first builds a path and a tree of
     * nodes for it, several times the work of a short scan's few hundred reads (measured on a cold JVM).
     */
    private Optional<ModuleReader> reader(String module) {
        Optional<ModuleReader> known = readers.get(module);
        if (known != null) {
            return known;
        }
        return readers.computeIfAbsent(module, m -> {
            ModuleReference ref = systemModules.get(m);
            if (ref == null) {
                return NO_READER;
            }
            try {
                return Optional.of(ref.open());
            } catch (IOException | RuntimeException e) {
                // Without a readable image rules match by exact name only.
                LOG.warn("cannot read system module {}; JDK subclasses of denied classes in it are not recognised: {}",
                        m, e.toString());
                return NO_READER;
            }
        });
    }

    /**
     * The bytes of a class file of a system module; empty when the module has no such file.
     *
     * @throws IOException when the image cannot be read
     */
    private static Optional<byte[]> read(ModuleReader reader, String internalName) throws IOException {
        Optional<ByteBuffer> buffer = reader.read(internalName + ".class");
        if (buffer.isEmpty()) {
            return Optional.empty();
        }
        try {
            ByteBuffer b = buffer.get();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return Optional.of(bytes);
        } finally {
            reader.release(buffer.get());
        }
    }

    static JdkTypes instance() {
        return INSTANCE;
    }

    /** The system module holding a package (internal form), if any. */
    Optional<String> moduleOf(String internalPackage) {
        return Optional.ofNullable(moduleOfPackage.get(internalPackage));
    }

    /**
     * These system modules and every module they require transitively, through any number of steps: what a
     * module requiring them reads (java.base aside).
     */
    java.util.Set<String> withTransitiveRequires(java.util.Collection<String> modules) {
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(modules);
        while (!todo.isEmpty()) {
            String m = todo.pop();
            if (out.add(m)) {
                todo.addAll(transitiveRequires.getOrDefault(m, List.of()));
            }
        }
        return java.util.Set.copyOf(out);
    }

    /** Whether a system module exports a package (internal form) to every module. */
    boolean exportedToAll(String module, String internalPackage) {
        return exportedPackages.getOrDefault(module, java.util.Set.of()).contains(internalPackage);
    }

    /**
     * Whether the runtime image holds this class; without a runtime image every class of a system package
     * counts as present. A class found is read once for this and for its {@link #directSupertypes}, which is
     * what the scan asks next of a class it can link ({@link TypeHierarchy}): one read of the image, not two.
     * Only classes found are remembered, with their supertypes (there are only so many).
     */
    boolean classExists(String internalName) {
        if (supertypes.containsKey(internalName)) {
            return true;
        }
        int slash = internalName.lastIndexOf('/');
        String module = moduleOfPackage.get(slash < 0 ? "" : internalName.substring(0, slash));
        if (module == null) {
            return false;
        }
        Optional<ModuleReader> reader = reader(module);
        if (reader.isEmpty()) {
            return true;
        }
        Optional<byte[]> bytes;
        try {
            bytes = read(reader.get(), internalName);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read JDK class {} from the runtime image: {}", internalName, e.toString());
            return true;
        }
        if (bytes.isEmpty()) {
            return false;
        }
        try {
            supertypes.putIfAbsent(internalName, supertypes(bytes.get()));
        } catch (RuntimeException e) {
            // Present all the same; directSupertypes reads it again and says why it cannot.
            LOG.debug("cannot read the supertypes of JDK class {}: {}", internalName, e.toString());
        }
        return true;
    }

    /** Whether a class of this internal name would be in a system module. */
    boolean isJdkPackage(String internalPackage) {
        return moduleOfPackage.containsKey(internalPackage);
    }

    /**
     * The direct superclass and interfaces of a JDK class, empty when it is not one. Only classes
     * found in the runtime image are cached (the cache is shared by every scan of the process, and
     * there are only so many JDK classes; the names an archive may ask about are unbounded).
     */
    List<String> directSupertypes(String internalName) {
        List<String> known = supertypes.get(internalName);
        if (known != null) {
            return known;
        }
        Optional<List<String>> read = read(internalName);
        if (read.isEmpty()) {
            return List.of();
        }
        List<String> previous = supertypes.putIfAbsent(internalName, read.get());
        return previous != null ? previous : read.get();
    }

    /**
     * A JDK or api class by internal name, empty when it is neither. Cached only when found (the JDK and
     * the api hold only so many classes).
     */
    Optional<ExternalClass> external(String internalName) {
        ExternalClass known = externals.get(internalName);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<byte[]> bytes = internalName.startsWith(API_PREFIX) ? apiClass(internalName) : jdkClass(internalName);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            ClassReader r = new ClassReader(bytes.get());
            List<String> supers = new ArrayList<>();
            if (r.getSuperName() != null) {
                supers.add(r.getSuperName());
            }
            supers.addAll(List.of(r.getInterfaces()));
            OverridableMethods methods = new OverridableMethods();
            r.accept(methods, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            ExternalClass c = new ExternalClass(List.copyOf(supers), List.copyOf(methods.found));
            ExternalClass previous = externals.putIfAbsent(internalName, c);
            return Optional.of(previous != null ? previous : c);
        } catch (RuntimeException e) {
            LOG.warn("cannot read class {} outside the archive: {}", internalName, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Collects the methods a class declares that a subclass can override ({@code name + descriptor}).
     * Named, not anonymous, for ClassScan to link it up front (see its static initialiser).
     */
    static final class OverridableMethods extends ClassVisitor {
        private final List<String> found = new ArrayList<>();

        OverridableMethods() {
            super(Opcodes.ASM9);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && name.charAt(0) != '<') {
                found.add(name + descriptor);
            }
            return null;
        }
    }

    private final ConcurrentHashMap<String, java.util.Set<String>> overridableThroughout = new ConcurrentHashMap<>();

    /** Whether a JDK or api type is one of {@code supertypes} or a subtype of one (through the runtime image). */
    boolean isSubtypeOfAny(String type, java.util.Set<String> supertypes) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (supertypes.contains(t)) {
                return true;
            }
            if (seen.add(t)) {
                external(t).ifPresent(c -> todo.addAll(c.supertypes()));
            }
        }
        return false;
    }

    /**
     * A JDK or api type and all its supertypes (through the runtime image): {@code t} is a subtype of
     * {@code s} exactly when this set of {@code t} holds {@code s}, as {@link #isSubtypeOfAny} tells.
     */
    java.util.Set<String> supertypesOf(String type) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (seen.add(t)) {
                external(t).ifPresent(c -> todo.addAll(c.supertypes()));
            }
        }
        return seen;
    }

    /**
     * Every method a subclass of this JDK or api type can override, declared by it or any supertype;
     * empty for a type that is neither. Cached only for types found (there are only so many).
     */
    java.util.Set<String> overridableThroughout(String type) {
        java.util.Set<String> known = overridableThroughout.get(type);
        if (known != null) {
            return known;
        }
        if (external(type).isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (seen.add(t)) {
                external(t).ifPresent(c -> {
                    out.addAll(c.overridable());
                    todo.addAll(c.supertypes());
                });
            }
        }
        java.util.Set<String> result = java.util.Set.copyOf(out);
        java.util.Set<String> previous = overridableThroughout.putIfAbsent(type, result);
        return previous != null ? previous : result;
    }

    private static final String API_PREFIX = "dev/stigmem/api/";

    private static Optional<byte[]> apiClass(String internalName) {
        try (var in = dev.stigmem.api.Plugin.class.getModule().getResourceAsStream(internalName + ".class")) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            LOG.warn("cannot read api class {}: {}", internalName, e.toString());
            return Optional.empty();
        }
    }

    private Optional<byte[]> jdkClass(String internalName) {
        int slash = internalName.lastIndexOf('/');
        String module = moduleOfPackage.get(slash < 0 ? "" : internalName.substring(0, slash));
        Optional<ModuleReader> reader = module == null ? NO_READER : reader(module);
        if (reader.isEmpty()) {
            return Optional.empty();
        }
        try {
            return read(reader.get(), internalName);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read JDK class {} from the runtime image: {}", internalName, e.toString());
            return Optional.empty();
        }
    }

    /** The class's direct supertypes from the runtime image; empty when there is no such JDK class. */
    private Optional<List<String>> read(String internalName) {
        int slash = internalName.lastIndexOf('/');
        String module = moduleOfPackage.get(slash < 0 ? "" : internalName.substring(0, slash));
        Optional<ModuleReader> reader = module == null ? NO_READER : reader(module);
        if (reader.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<byte[]> bytes = read(reader.get(), internalName);
            return bytes.isEmpty() ? Optional.empty() : Optional.of(supertypes(bytes.get()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read JDK class {} from the runtime image: {}", internalName, e.toString());
            return Optional.empty();
        }
    }

    /** The direct superclass and interfaces a class file names. */
    private static List<String> supertypes(byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        List<String> out = new ArrayList<>();
        if (r.getSuperName() != null) {
            out.add(r.getSuperName());
        }
        out.addAll(List.of(r.getInterfaces()));
        return List.copyOf(out);
    }
}
