package dev.stigmem.loader.internal.layer;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the automatic modules the JDK derives from plain jars into explicit, non-open modules.
 *
 * <p>An automatic module reads every module of every parent layer and opens all its packages.
 * For a plugin that would mean: a plain jar could call any API the host exports (the node's
 * embedding API included) past the requires allowlist, and any code holding one of its objects
 * could reflect into it. The sealed module keeps the JDK's name, packages and service providers,
 * but reads only the other modules of its archive (see {@link PluginLayers#define}) and the
 * allowlisted modules, exports its packages
 * (visible only inside its own layer) and opens none. Its classes are still read through the JDK's
 * own module reader for the jar.
 */
public final class SealedModules {
    private SealedModules() {
    }

    /**
     * @param modules the archive's modules by jar name, as the JDK's module finder read them
     * @param allowed modules a plugin may read (the requires allowlist)
     * @param parent  the layer the plugin layer is defined above
     * @param substituted modules the host replaces by its own copy (scan policy {@code substitute-module}):
     *                    a sealed module requires those the archive holds, since the copy stands in a parent
     *                    layer, where only a read of the configuration lets its class loader delegate
     * @return the same modules, automatic ones replaced by sealed ones, in the same order
     */
    public static Map<String, ModuleReference> seal(Map<String, ModuleReference> modules, Set<String> allowed,
                                                    ModuleLayer parent, Set<String> substituted) {
        // A sealed module requires only allowlisted modules. Its reads of the other archive modules
        // are added when the layer is defined: declared as requires, they could form cycles (an
        // explicit plugin requiring a plain library, or plain jars using each other), which the
        // resolver refuses.
        Set<String> reads = new TreeSet<>();
        allowed.stream().filter(m -> parent.findModule(m).isPresent()).forEach(reads::add);
        reads.remove("java.base"); // every module reads java.base; the builder adds it
        modules.values().stream().map(r -> r.descriptor().name()).filter(substituted::contains).forEach(reads::add);
        Map<String, ModuleReference> sealed = new LinkedHashMap<>();
        modules.forEach((jar, ref) -> sealed.put(jar, ref.descriptor().isAutomatic() ? seal(ref, reads) : ref));
        return sealed;
    }

    private static ModuleReference seal(ModuleReference ref, Set<String> reads) {
        ModuleDescriptor d = ref.descriptor();
        ModuleDescriptor.Builder b = ModuleDescriptor.newModule(d.name());
        d.rawVersion().ifPresent(b::version);
        b.packages(d.packages());
        new TreeSet<>(d.packages()).forEach(b::exports);
        reads.stream().filter(m -> !m.equals(d.name())).forEach(b::requires);
        d.provides().forEach(b::provides);
        return new Sealed(b.build(), ref);
    }

    /**
     * The same explicit module without the {@code requires static} of modules {@code keep} rejects
     * (see {@link PluginLayers#define}); everything else of the descriptor as it was.
     */
    static ModuleReference withoutStaticRequires(ModuleReference ref, java.util.function.Predicate<String> keep) {
        ModuleDescriptor d = ref.descriptor();
        ModuleDescriptor.Builder b = d.isOpen() ? ModuleDescriptor.newOpenModule(d.name()) : ModuleDescriptor.newModule(d.name());
        d.rawVersion().ifPresent(b::version);
        b.packages(d.packages());
        for (ModuleDescriptor.Requires r : d.requires()) {
            if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) || keep.test(r.name())) {
                if (!r.name().equals("java.base")) {
                    b.requires(r);
                }
            }
        }
        d.exports().forEach(b::exports);
        d.opens().forEach(b::opens);
        d.uses().forEach(b::uses);
        d.provides().forEach(b::provides);
        d.mainClass().ifPresent(b::mainClass);
        return new Narrowed(b.build(), ref);
    }

    /** Whether this reference is a sealed plain jar, which reads the other archive modules once defined. */
    static boolean isSealed(ModuleReference ref) {
        return ref instanceof Sealed;
    }

    /** The JDK's reference for an explicit module's jar, with fewer {@code requires static}. */
    private static final class Narrowed extends ModuleReference {
        private final ModuleReference jar;

        Narrowed(ModuleDescriptor descriptor, ModuleReference jar) {
            super(descriptor, jar.location().orElse(null));
            this.jar = jar;
        }

        @Override
        public ModuleReader open() throws IOException {
            return jar.open();
        }
    }

    /** The JDK's reference for the jar, with the sealed descriptor. */
    private static final class Sealed extends ModuleReference {
        private final ModuleReference jar;

        Sealed(ModuleDescriptor descriptor, ModuleReference jar) {
            super(descriptor, jar.location().orElse(null));
            this.jar = jar;
        }

        @Override
        public ModuleReader open() throws IOException {
            return jar.open();
        }
    }
}
