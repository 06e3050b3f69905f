package dev.stigmem.node.internal.logging;

import dev.stigmem.loader.ModuleSubstitute;
import dev.stigmem.node.internal.slf4j.PluginSlf4jProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the node supplies to a plugin that bundles slf4j-api (scan policy line
 * {@code substitute-module org.slf4j}): the node's own slf4j-api jar, and a provider module
 * ({@link PluginSlf4jProvider}, from the node's own class files) that writes each SLF4J line to the
 * {@link System.Logger} of the same name, which {@link NodeLoggerFinder} gives the plugin's name.
 *
 * <p>The plugin's own slf4j-api would find its provider through its class loader and read its switches
 * from system properties, both refused to plugin code; the node's copy does that once, started here by
 * the node before any plugin class exists, and is then enclosed by the runtime guard with the plugin:
 * what it does afterwards on the plugin's behalf (a property read through {@code org.slf4j.helpers.Util})
 * is judged as the plugin's own code.
 */
public final class PluginSlf4j {
    /** The module the policy substitutes. */
    public static final String MODULE = "org.slf4j";
    /** The provider module the node defines beside it (a name of the node's, which no plugin module may take). */
    static final String PROVIDER_MODULE = "dev.stigmem.plugin.slf4j";
    private static final String PACKAGE = PluginSlf4jProvider.class.getPackageName();
    private static final List<String> CLASSES = List.of("PluginSlf4jProvider", "PluginSlf4jProvider$Factory", "PluginSlf4jLogger");

    private PluginSlf4j() {
    }

    /**
     * The substitute for {@code org.slf4j}.
     *
     * @throws IllegalStateException if the node's own slf4j-api jar cannot be found
     */
    public static ModuleSubstitute substitute() {
        ModuleReference api = hostApi();
        ModuleReference provider = providerModule();
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(MODULE) ? Optional.of(api) : name.equals(PROVIDER_MODULE) ? Optional.of(provider) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(api, provider);
            }
        };
        return new ModuleSubstitute(MODULE, finder, Set.of(PROVIDER_MODULE), PluginSlf4j::start);
    }

    /**
     * Binds the copy now, on the loading thread: {@code LoggerFactory} finds its one provider, the node's,
     * and nothing of the plugin runs. Fails if it bound to anything else.
     */
    static void start(ModuleLayer layer) {
        Module slf4j = layer.findModule(MODULE).orElseThrow(() -> new IllegalStateException("no module " + MODULE + " in the layer"));
        Class<?> loggerFactory = Class.forName(slf4j, "org.slf4j.LoggerFactory");
        if (loggerFactory == null) {
            throw new IllegalStateException("module " + MODULE + " has no class org.slf4j.LoggerFactory");
        }
        Object factory;
        try {
            factory = loggerFactory.getMethod("getILoggerFactory").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the plugin's copy of slf4j-api: " + e, e);
        }
        Class<?> bound = factory.getClass();
        if (!bound.getName().equals(PluginSlf4jProvider.class.getName() + "$Factory") || bound.getModule().getLayer() != layer) {
            throw new IllegalStateException("the plugin's copy of slf4j-api bound to " + bound.getName() + ", not to the node's provider");
        }
    }

    /** The node's own slf4j-api module, from its boot layer, or from the jar on its class path. */
    private static ModuleReference hostApi() {
        Module m = org.slf4j.LoggerFactory.class.getModule();
        if (m.isNamed() && m.getLayer() != null) {
            return m.getLayer().configuration().findModule(m.getName()).map(ResolvedModule::reference)
                    .orElseThrow(() -> new IllegalStateException("the node's module " + MODULE + " has no module reference"));
        }
        try {
            Path jar = Path.of(org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return ModuleFinder.of(jar).find(MODULE).orElseThrow(() -> new IllegalStateException(jar + " does not hold module " + MODULE));
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the node's own slf4j-api jar: " + e, e);
        }
    }

    /** The provider module: the node's class files of {@link PluginSlf4jProvider}, under a descriptor made here. */
    private static ModuleReference providerModule() {
        ModuleDescriptor d = ModuleDescriptor.newModule(PROVIDER_MODULE)
                .requires(MODULE)
                .packages(Set.of(PACKAGE))
                .provides("org.slf4j.spi.SLF4JServiceProvider", List.of(PluginSlf4jProvider.class.getName()))
                .build();
        List<String> entries = CLASSES.stream().map(c -> PACKAGE.replace('.', '/') + "/" + c + ".class").toList();
        return new ModuleReference(d, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) throws IOException {
                        if (!entries.contains(name)) {
                            return Optional.empty();
                        }
                        URL url = PluginSlf4jProvider.class.getResource("/" + name);
                        try {
                            return url == null ? Optional.empty() : Optional.of(url.toURI());
                        } catch (URISyntaxException e) {
                            throw new IOException(e);
                        }
                    }

                    @Override
                    public Optional<InputStream> open(String name) throws IOException {
                        return entries.contains(name) ? Optional.ofNullable(PluginSlf4jProvider.class.getResourceAsStream("/" + name))
                                : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return entries.stream();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }
}
