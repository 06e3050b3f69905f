package dev.stigmem.loader.internal.layer;

import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.internal.archive.JarImage;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the verified jar images into the loader's private directory and lets the JDK's module
 * finder read them, so the module descriptors (explicit or derived for automatic modules) and the
 * classes the layer defines come from the same bytes the checks saw.
 */
public final class ModuleJars {
    private ModuleJars() {
    }

    /**
     * @param archive the operator's archive, for messages
     * @param jars    the jars to write (names already validated as plain file names)
     * @param dir     a private directory of the loader
     * @return each jar's module reference, by jar name, in the jars' order
     * @throws PluginDeclarationException when the JDK cannot derive a module from a jar
     */
    public static Map<String, ModuleReference> write(Path archive, List<JarImage> jars, Path dir) throws IOException {
        Map<String, ModuleReference> refs = new LinkedHashMap<>();
        for (JarImage jar : jars) {
            Path file = dir.resolve(jar.name());
            StoredJar.write(jar, file);
            Set<ModuleReference> found;
            try {
                found = ModuleFinder.of(file).findAll();
            } catch (FindException e) {
                throw new PluginDeclarationException(archive, Optional.of(jar.name()),
                        "the JDK cannot read it as a module: " + dev.stigmem.loader.internal.trust.EscapedText.of(rootMessage(e)), e);
            }
            if (found.size() != 1) {
                throw new PluginDeclarationException(archive, Optional.of(jar.name()), "the JDK finds no module in it");
            }
            refs.put(jar.name(), found.iterator().next());
        }
        return refs;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder b = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            b.append(": ").append(t.getMessage());
        }
        return b.toString();
    }
}
