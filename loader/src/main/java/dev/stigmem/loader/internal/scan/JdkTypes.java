package dev.stigmem.loader.internal.scan;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supertypes of JDK classes, read from the runtime image's class files ({@code jrt:/}) without
 * loading any class, so that a class rule on {@code java.lang.ClassLoader} also covers
 * {@code java.net.URLClassLoader}, and a member rule on {@code Thread#start} a call through a JDK
 * subclass. Every system module is visible this way, whether or not the boot layer resolved it.
 * Thread-safe; shared by all scans.
 */
final class JdkTypes {

    private static final Logger LOG = LoggerFactory.getLogger(JdkTypes.class);
    private static final JdkTypes INSTANCE = new JdkTypes();

    private final Map<String, String> moduleOfPackage;
    private final Optional<FileSystem> image;
    private final ConcurrentHashMap<String, List<String>> supertypes = new ConcurrentHashMap<>();

    private JdkTypes() {
        Map<String, String> modules = new HashMap<>();
        for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
            ModuleDescriptor d = ref.descriptor();
            for (String p : d.packages()) {
                modules.put(p.replace('.', '/'), d.name());
            }
        }
        moduleOfPackage = Map.copyOf(modules);
        FileSystem fs = null;
        try {
            fs = FileSystems.getFileSystem(URI.create("jrt:/"));
        } catch (RuntimeException e) {
            // Without a runtime image (unusual: an exploded JDK build) rules match by exact name only.
            LOG.warn("cannot open the runtime image jrt:/; JDK subclasses of denied classes are not recognised: {}", e.toString());
        }
        image = Optional.ofNullable(fs);
    }

    static JdkTypes instance() {
        return INSTANCE;
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

    /** The class's direct supertypes from the runtime image; empty when there is no such JDK class. */
    private Optional<List<String>> read(String internalName) {
        int slash = internalName.lastIndexOf('/');
        String module = moduleOfPackage.get(slash < 0 ? "" : internalName.substring(0, slash));
        if (module == null || image.isEmpty()) {
            return Optional.empty();
        }
        Path file = image.get().getPath("/modules", module, internalName + ".class");
        try {
            ClassReader r = new ClassReader(Files.readAllBytes(file));
            List<String> out = new ArrayList<>();
            if (r.getSuperName() != null) {
                out.add(r.getSuperName());
            }
            out.addAll(List.of(r.getInterfaces()));
            return Optional.of(List.copyOf(out));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read JDK class {} from the runtime image: {}", internalName, e.toString());
            return Optional.empty();
        }
    }
}
