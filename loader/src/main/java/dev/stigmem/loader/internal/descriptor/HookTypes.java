package dev.stigmem.loader.internal.descriptor;

import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hooks an entry class handles, derived from bytecode without loading any class of the archive:
 * every supertype of the entry class is followed through the archive's class files (superclasses
 * and interfaces, any depth); a supertype outside the archive that belongs to the api is resolved
 * against the api's own classes and judged by {@link Hook#handledBy(Class)}, the same mapping the
 * node registers handlers by. Supertypes outside both (JDK, other modules) handle no hook.
 */
public final class HookTypes {

    private static final String API_PREFIX = "dev/stigmem/api/";

    private HookTypes() {
    }

    /**
     * The hooks {@code entryClass} (binary name) of {@code image} handles, in hook-table order.
     *
     * @throws IllegalArgumentException naming the entry when a class file on the way cannot be read
     */
    public static List<Hook> handledBy(ArchiveImage image, String entryClass) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JarImage jar : image.jars()) {
            jar.forEachEntry((name, bytes) -> {
                // Base entries only: a multi-release variant must keep the base's supertypes for the
                // class to link at all, so the base is what both the scanner and the JVM agree on.
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    classes.putIfAbsent(name.substring(0, name.length() - ".class".length()), bytes);
                }
            });
        }
        Set<Hook> hooks = EnumSet.noneOf(Hook.class);
        Set<String> seen = new HashSet<>();
        Deque<String> work = new ArrayDeque<>();
        work.add(entryClass.replace('.', '/'));
        // Each name is visited once, so the walk ends after at most one visit per class of the
        // archive plus its external supertypes, whatever cycles a crafted archive declares.
        while (!work.isEmpty()) {
            String name = work.poll();
            if (!seen.add(name)) {
                continue;
            }
            byte[] bytes = classes.get(name);
            if (bytes != null) {
                ClassFacts facts;
                try {
                    facts = ClassFacts.read(bytes);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ".class: " + e.getMessage(), e);
                }
                facts.superName().ifPresent(work::add);
                work.addAll(facts.interfaces());
            } else if (name.startsWith(API_PREFIX)) {
                apiType(name).ifPresent(t -> hooks.addAll(Hook.handledBy(t)));
            }
        }
        return List.copyOf(hooks);
    }

    /** The api's class of that name, not initialised; empty when the api has none. */
    private static Optional<Class<?>> apiType(String internalName) {
        try {
            Class<?> c = Class.forName(internalName.replace('/', '.'), false, Hook.class.getClassLoader());
            return c.getModule() == Hook.class.getModule() ? Optional.of(c) : Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }
}
