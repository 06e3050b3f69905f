package dev.stigmem.maven;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.maven.artifact.Artifact;

/**
 * Runs the loader's scanner as a node runs it: {@code dev.stigmem.loader} and
 * {@code dev.stigmem.api} as named modules of a module layer (defined from this plugin's own
 * dependency jars, above the boot layer, with the platform class loader as parent, so nothing of
 * Maven's class realm is seen), not as classes of Maven's class path. The loader refuses to work
 * with the api in an unnamed module, and the scan must judge exactly as on the node.
 *
 * <p>The goal talks to the layer through {@link dev.stigmem.maven.internal.LayerScan}, loaded from
 * this plugin's jar by a class loader whose parent is the layer's, and called through a JDK
 * interface ({@code Function<Map<String, String>, Map<String, String>>}), so only JDK types cross
 * between Maven's realm and the layer.
 *
 * <p>One layer per set of jars, kept for the build (a reactor of many plugin projects pays for it
 * once). Thread-safe.
 */
final class LoaderLayer {

    /** The modules of the layer, by Maven coordinates: the loader's module graph and an SLF4J provider. */
    static final Set<String> LAYER_ARTIFACTS = Set.of(
            "dev.stigmem:stigmem-api", "dev.stigmem:stigmem-loader",
            "net.bytebuddy:byte-buddy",
            "com.fasterxml.jackson.core:jackson-databind", "com.fasterxml.jackson.core:jackson-core",
            "com.fasterxml.jackson.core:jackson-annotations",
            "org.slf4j:slf4j-api", "org.slf4j:slf4j-nop");

    private static final Map<List<Path>, Function<Map<String, String>, Map<String, String>>> SCANNERS = new ConcurrentHashMap<>();

    private LoaderLayer() {
    }

    /**
     * The scanner of a layer made of the given plugin artifacts ({@code ${plugin.artifacts}}).
     *
     * @throws IllegalStateException when a module is missing or the layer cannot be defined
     */
    static Function<Map<String, String>, Map<String, String>> scanner(Collection<Artifact> pluginArtifacts) {
        List<Path> jars = new ArrayList<>();
        for (Artifact a : pluginArtifacts) {
            if (LAYER_ARTIFACTS.contains(a.getGroupId() + ":" + a.getArtifactId()) && a.getFile() != null) {
                jars.add(a.getFile().toPath());
            }
        }
        jars.sort(null);
        return SCANNERS.computeIfAbsent(List.copyOf(jars), LoaderLayer::define);
    }

    @SuppressWarnings("unchecked")
    private static Function<Map<String, String>, Map<String, String>> define(List<Path> jars) {
        ModuleLayer layer;
        try {
            Configuration cf = ModuleLayer.boot().configuration().resolve(ModuleFinder.of(jars.toArray(Path[]::new)),
                    ModuleFinder.of(), Set.of("dev.stigmem.loader", "org.slf4j.nop"));
            layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new IllegalStateException("cannot define the scanner's module layer from " + jars + ": " + e.getMessage(), e);
        }
        ClassLoader loader = layer.findLoader("dev.stigmem.loader");
        try {
            URL self = LoaderLayer.class.getProtectionDomain().getCodeSource().getLocation().toURI().toURL();
            // Never closed: the layer lives as long as Maven's plugin realm.
            @SuppressWarnings("resource")
            URLClassLoader bridge = new URLClassLoader("stigmem-scan-bridge", new URL[] {self}, loader);
            Class<?> c = Class.forName("dev.stigmem.maven.internal.LayerScan", true, bridge);
            return (Function<Map<String, String>, Map<String, String>>) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | URISyntaxException | MalformedURLException e) {
            throw new IllegalStateException(String.format(Locale.ROOT, "cannot start the scanner in its layer: %s", e), e);
        }
    }
}
