package dev.stigmem.loader.internal.archive;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A plugin archive read into memory: the plugin jar and its private library jars.
 *
 * @param source     where the operator's archive was read from (for messages only; never re-read)
 * @param pluginJar  the jar holding the entry class
 * @param libraries  the private library jars, sorted by name (unmodifiable)
 */
public record ArchiveImage(Path source, JarImage pluginJar, List<JarImage> libraries) {
    public ArchiveImage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pluginJar, "pluginJar");
        libraries = libraries.stream().sorted(java.util.Comparator.comparing(JarImage::name)).toList();
    }

    /** The plugin jar first, then the libraries: every jar whose classes the plugin's layer can define. */
    public List<JarImage> jars() {
        var all = new java.util.ArrayList<JarImage>(libraries.size() + 1);
        all.add(pluginJar);
        all.addAll(libraries);
        return List.copyOf(all);
    }
}
