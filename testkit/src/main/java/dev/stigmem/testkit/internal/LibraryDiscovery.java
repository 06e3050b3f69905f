package dev.stigmem.testkit.internal;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds a plugin's private libraries on the test JVM's class path and module path (ClassGraph): the
 * jars that hold classes the plugin's classes reference, then the classes those jars reference, and
 * so on. Discovery, not a decision: the packed archive still goes through the node's trust, scan and
 * layer checks, so a wrong answer costs a test that fails to load or loads a library too many, never
 * a plugin the node accepts that it would not accept in production. Never the JDK, the plugin API
 * (which the node provides) or any other Stigmem artifact (the testkit's own dependencies).
 */
public final class LibraryDiscovery {
    /** Rounds of "what do the libraries found so far reference" at most. */
    static final int MAX_ROUNDS = 8;
    /** Libraries found at most: a plugin bundling more names them with {@code libraries}. */
    static final int MAX_LIBRARIES = 64;

    private LibraryDiscovery() {
    }

    /**
     * The library jars {@code classesDir} needs, in the order found.
     *
     * @throws IllegalArgumentException if it would be more than {@link #MAX_LIBRARIES} jars
     */
    public static List<Path> referencedBy(Path classesDir) {
        Set<Path> found = new LinkedHashSet<>();
        List<Path> toScan = List.of(classesDir);
        Set<String> seen = new TreeSet<>();
        for (int round = 0; round < MAX_ROUNDS && !toScan.isEmpty(); round++) {
            Set<String> referenced = externalReferences(toScan);
            referenced.removeIf(c -> !seen.add(c) || provided(c));
            List<Path> next = new ArrayList<>();
            for (Path jar : holders(referenced)) {
                if (!jar.equals(classesDir) && found.add(jar)) {
                    next.add(jar);
                }
            }
            if (found.size() > MAX_LIBRARIES) {
                throw new IllegalArgumentException("the plugin's classes reference classes of more than " + MAX_LIBRARIES
                        + " jars on the test path; name its private libraries with @PluginTest(libraries = ...)");
            }
            toScan = next;
        }
        return List.copyOf(found);
    }

    // Classes referenced from the given class path elements that are not in them.
    private static Set<String> externalReferences(List<Path> elements) {
        Set<String> out = new TreeSet<>();
        try (ScanResult scan = new ClassGraph().overrideClasspath(elements.stream().map(Path::toString).toList())
                .enableInterClassDependencies().enableExternalClasses().ignoreClassVisibility().scan()) {
            scan.getClassDependencyMap().values().forEach(deps -> deps.forEach(d -> {
                if (d.isExternalClass()) {
                    out.add(d.getName());
                }
            }));
        }
        return out;
    }

    // The jars of the test JVM's class path and module path that define these classes.
    private static Set<Path> holders(Set<String> classes) {
        Set<Path> out = new LinkedHashSet<>();
        if (classes.isEmpty()) {
            return out;
        }
        Set<String> packages = new TreeSet<>();
        classes.forEach(c -> packages.add(c.lastIndexOf('.') < 0 ? "" : c.substring(0, c.lastIndexOf('.'))));
        try (ScanResult scan = new ClassGraph().acceptPackagesNonRecursive(packages.toArray(String[]::new))
                .enableClassInfo().ignoreClassVisibility().scan()) {
            for (String c : classes) {
                ClassInfo info = scan.getClassInfo(c);
                File element = info == null ? null : info.getClasspathElementFile();
                if (element != null && element.isFile() && element.getName().endsWith(".jar")) {
                    out.add(element.toPath().toAbsolutePath().normalize());
                }
            }
        }
        return out;
    }

    // What the node gives every plugin (the JDK, the plugin API) and Stigmem itself (packages a plugin may not hold): never bundled.
    private static boolean provided(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.") || className.startsWith("dev.stigmem.");
    }
}
