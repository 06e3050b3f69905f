package dev.stigmem.loader.internal.descriptor;

import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;

import java.util.Objects;

/**
 * A plugin archive whose declaration checked out: the one entry class, its validated manifest and
 * the module that holds it.
 *
 * @param image      the archive's jars, with the jar holding the entry class as the plugin jar
 * @param moduleName the plugin module (explicit or automatic)
 * @param automatic  whether the plugin module is an automatic module (a plain jar)
 * @param entryClass binary name of the entry class
 * @param manifest   the validated {@code @StigmemPlugin} values
 */
public record PluginDeclaration(ArchiveImage image, String moduleName, boolean automatic, String entryClass,
                                PluginManifest manifest) {
    public PluginDeclaration {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(moduleName, "moduleName");
        Objects.requireNonNull(entryClass, "entryClass");
        Objects.requireNonNull(manifest, "manifest");
    }
}
