package dev.stigmem.loader;

import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.descriptor.HookTypes;
import dev.stigmem.loader.internal.descriptor.PluginDeclaration;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin archive that was read and whose declaration is valid, handed to each
 * {@link ArchiveCheck} before any of its code is loaded. Immutable.
 */
public final class PluginCandidate {
    private final Path archive;
    private final PluginDeclaration declaration;
    private final Map<String, java.lang.module.ModuleDescriptor> descriptors;

    PluginCandidate(Path archive, PluginDeclaration declaration, Map<String, java.lang.module.ModuleDescriptor> descriptors) {
        this.archive = archive;
        this.declaration = declaration;
        this.descriptors = Map.copyOf(descriptors);
    }

    /** Each jar's module descriptor as the JDK's module finder read it (explicit or automatic), by jar name. */
    public Map<String, java.lang.module.ModuleDescriptor> descriptors() {
        return descriptors;
    }

    /** The operator's archive. */
    public Path archive() {
        return archive;
    }

    /** The validated manifest of the entry class. */
    public PluginManifest manifest() {
        return declaration.manifest();
    }

    /** Binary name of the entry class. */
    public String entryClass() {
        return declaration.entryClass();
    }

    /** The plugin's module name. */
    public String moduleName() {
        return declaration.moduleName();
    }

    /**
     * Whether the plugin is a plain jar, which the JDK reads as an automatic module; the loader
     * seals it into an explicit module that reads only its archive and the allowlist.
     */
    public boolean automaticModule() {
        return declaration.automatic();
    }

    /** Names of the archive's jars: the plugin jar first, then the libraries. */
    public List<String> jarNames() {
        return declaration.image().jars().stream().map(j -> j.name()).toList();
    }

    /**
     * The hooks the entry class handles, in hook-table order, read from bytecode: its superclasses
     * and interfaces are followed through the archive's class files; nothing is loaded.
     *
     * @throws ArchiveFormatException when a class file on the way cannot be read
     */
    public List<Hook> hooks() {
        try {
            return HookTypes.handledBy(declaration.image(), declaration.entryClass());
        } catch (IllegalArgumentException e) {
            throw new ArchiveFormatException(archive, Optional.of(declaration.entryClass()),
                    "the entry class's supertypes cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The in-memory image the layer will be built from: what a check reads is what is loaded.
     * For the loader's own checks (scan, trust); the type is not exported.
     */
    @SuppressWarnings("exports")
    public ArchiveImage image() {
        return declaration.image();
    }

    @Override
    public String toString() {
        return "PluginCandidate[" + declaration.manifest().name() + " from " + archive + "]";
    }
}
