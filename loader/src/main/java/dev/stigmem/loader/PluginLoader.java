package dev.stigmem.loader;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.SemanticVersion;
import dev.stigmem.loader.internal.archive.ArchiveReader;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.archive.MemoryBudget;
import dev.stigmem.loader.internal.archive.PrivateDirectory;
import dev.stigmem.loader.internal.descriptor.PluginDeclaration;
import dev.stigmem.loader.internal.descriptor.PluginDeclarationReader;
import dev.stigmem.loader.internal.descriptor.RequiresAllowlist;
import dev.stigmem.loader.internal.layer.ModuleJars;
import dev.stigmem.loader.internal.layer.PluginLayers;
import dev.stigmem.loader.internal.layer.SealedModules;
import dev.stigmem.loader.internal.work.OwnedDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads plugin archives, each into a module layer of its own.
 *
 * <p>The pipeline for one archive: copy the operator's archive into a private directory and read
 * it into memory within {@link ArchiveLimits}; write the verified jars back into the private
 * directory and let the JDK's module finder read their descriptors; find the one entry class and
 * validate its {@code @StigmemPlugin} manifest and the modules' {@code requires} from bytecode;
 * seal plain jars (automatic modules) into explicit modules that read only their archive and the
 * allowlist and open nothing;
 * run every {@link ArchiveCheck}; only then resolve and define the layer (one class loader whose
 * parent is the platform loader narrowed to the allowed JDK modules, above the api's layer) and instantiate the entry class through
 * {@link ServiceLoader}, looking at the plugin's own layer only. Any failure leaves nothing
 * behind: no layer, no private copy.
 *
 * <p>Example usage:
 * <pre>{@code
 * PluginLoader loader = PluginLoader.builder().check(scanner).build();
 * try (PluginSet plugins = loader.loadAll(Path.of("plugins"))) {
 *     for (LoadedPlugin p : plugins.inOrder()) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe; loads may run concurrently. {@link #close()} removes the loader's work directory
 * once its plugins are closed; the directories a killed process left are removed by the next loader
 * that uses the same parent directory.
 */
public final class PluginLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private final ArchiveLimits limits;
    /** Shared by every archive this loader reads at the same time ({@link ArchiveLimits#maxConcurrentHeldBytes()}). */
    private final MemoryBudget memory;
    private final Path workDirectory;
    // Whether workDirectory is the loader's own (made in the temp directory) rather than the operator's.
    private final boolean ownsWorkDirectory;
    // The private copies this loader made, for close() in an operator's work directory.
    private final java.util.Set<Path> copies = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final PluginLayers layers;
    private final java.util.function.BiConsumer<dev.stigmem.api.PluginManifest, ModuleLayer> layerListener;
    private final PluginInstantiator instantiator;
    private final List<ArchiveCheck> checks;
    private final RequiresAllowlist allowlist;
    private final Optional<SemanticVersion> hostVersion;
    private final Set<String> substituted;
    private final Map<String, ModuleSubstitute> substitutes;

    private PluginLoader(Builder b) {
        this.limits = b.limits;
        this.memory = new MemoryBudget(b.limits.maxConcurrentHeldBytes());
        this.ownsWorkDirectory = b.workDirectory == null;
        this.workDirectory = ownsWorkDirectory ? freshWorkDirectory() : checkedWorkDirectory(b.workDirectory);
        this.allowlist = RequiresAllowlist.from(b.scanPolicy);
        this.layerListener = b.layerListener;
        this.instantiator = b.instantiator;
        this.layers = b.parentLayer == null
                ? PluginLayers.aboveApi(allowlist.reasons().keySet(), allowedPackages(b.scanPolicy))
                : PluginLayers.above(b.parentLayer, allowlist.reasons().keySet(), allowedPackages(b.scanPolicy));
        List<ArchiveCheck> all = new ArrayList<>(b.checks);
        if (b.scan) {
            // Last: trust and other added checks see the archive first; nothing is defined before the scan.
            all.add(new dev.stigmem.loader.scan.ScanCheck(b.scanPolicy, b.scanListener));
        }
        this.checks = List.copyOf(all);
        this.hostVersion = Optional.ofNullable(b.hostVersion);
        this.substituted = b.scanPolicy.substitutedModules();
        this.substitutes = Map.copyOf(b.substitutes);
    }

    /** Packages (dotted) an allow-package rule of the policy covers and no deny-package rule does. */
    private static java.util.function.Predicate<String> allowedPackages(dev.stigmem.loader.scan.ScanPolicy policy) {
        List<dev.stigmem.loader.scan.PolicyRule> allow = policy.rules().stream()
                .filter(r -> r.kind() == dev.stigmem.loader.scan.PolicyRule.Kind.ALLOW_PACKAGE).toList();
        List<dev.stigmem.loader.scan.PolicyRule> deny = policy.rules().stream()
                .filter(r -> r.kind() == dev.stigmem.loader.scan.PolicyRule.Kind.DENY_PACKAGE).toList();
        return pkg -> {
            String internal = pkg.replace('.', '/');
            return allow.stream().anyMatch(r -> r.coversPackage(internal)) && deny.stream().noneMatch(r -> r.coversPackage(internal));
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads one archive: a {@code .jar}, a {@code .zip} of jars, or a directory of jars.
     *
     * @throws ArchiveFormatException       the archive is corrupt, unsafe or over a bound
     * @throws PluginDeclarationException   no valid entry class, manifest or module requires
     * @throws PluginRejectedException      a check refused it
     * @throws LayerResolutionException     its modules take a reserved name, would read a host module, or cannot be resolved
     * @throws PluginInstantiationException its entry class failed to instantiate
     */
    public LoadedPlugin load(Path archive) {
        return define(prepare(archive));
    }

    /**
     * Loads every archive of a plugin directory ({@code *.jar}, {@code *.zip} and sub-directories,
     * by name), in {@code dependsOn} order. All or nothing: when any archive fails, none is loaded
     * and the exception lists every failure.
     *
     * @throws PluginSetException listing each archive that failed and why
     */
    public PluginSet loadAll(Path directory) {
        List<Path> archives = archivesIn(directory);
        List<PluginLoadException> failures = new ArrayList<>();
        Map<Path, Prepared> prepared = prepareAll(archives, failures);
        List<Prepared> ordered = List.of();
        if (failures.isEmpty()) {
            try {
                ordered = DependencyOrder.sort(directory, prepared.values().stream().toList());
            } catch (PluginDependencyException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            prepared.values().forEach(p -> p.copy().close());
            throw new PluginSetException(directory, archives.size(), failures);
        }
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Prepared p : ordered) {
            try {
                loaded.add(define(p));
            } catch (PluginLoadException e) {
                loaded.forEach(LoadedPlugin::close);
                ordered.forEach(o -> o.copy().close());
                throw new PluginSetException(directory, archives.size(), List.of(e));
            }
        }
        LOG.info("loaded {} plugins from {} in dependency order: {}", loaded.size(), directory,
                loaded.stream().map(LoadedPlugin::name).toList());
        return new PluginSet(directory, loaded, List.of());
    }

    /**
     * Loads every archive of a plugin directory that passes, in {@code dependsOn} order, and skips
     * the rest: an archive that fails any step, and every plugin that depends, directly or not, on
     * a skipped one. For operators who explicitly ask to run without rejected plugins; the node
     * audits each skip. {@link PluginSet#rejected()} lists why each was skipped.
     */
    public PluginSet loadAvailable(Path directory) {
        List<Path> archives = archivesIn(directory);
        List<PluginLoadException> failures = new ArrayList<>();
        Map<Path, Prepared> prepared = prepareAll(archives, failures);
        // Each dependency failure names one archive; drop it and order the rest again. Every round
        // removes one archive, so this ends.
        List<Prepared> ordered;
        while (true) {
            try {
                ordered = DependencyOrder.sort(directory, prepared.values().stream().toList());
                break;
            } catch (PluginDependencyException e) {
                failures.add(e);
                Prepared dropped = prepared.remove(e.archive());
                if (dropped == null) {
                    prepared.values().forEach(p -> p.copy().close());
                    throw new IllegalStateException("dependency failure names an archive not in the set: " + e.archive(), e);
                }
                dropped.copy().close();
            }
        }
        List<LoadedPlugin> loaded = new ArrayList<>();
        java.util.Set<String> skipped = new java.util.HashSet<>();
        for (Prepared p : ordered) {
            var manifest = p.candidate().manifest();
            Optional<String> missing = manifest.dependsOn().stream().filter(skipped::contains).findFirst();
            if (missing.isPresent()) {
                skipped.add(manifest.name());
                p.copy().close();
                failures.add(new PluginDependencyException(p.candidate().archive(), Optional.empty(), String.format(Locale.ROOT,
                        "plugin '%s' depends on '%s', which was not loaded", manifest.name(), missing.get())));
                continue;
            }
            try {
                loaded.add(define(p));
            } catch (PluginLoadException e) {
                skipped.add(manifest.name());
                failures.add(e);
            }
        }
        LOG.info("loaded {} plugins from {} in dependency order: {}; skipped {}", loaded.size(), directory,
                loaded.stream().map(LoadedPlugin::name).toList(), failures.size());
        return new PluginSet(directory, loaded, failures);
    }

    /** Prepares every archive (read, declare, check); each failure is collected, none stops the others. */
    private Map<Path, Prepared> prepareAll(List<Path> archives, List<PluginLoadException> failures) {
        Map<Path, Prepared> prepared = new LinkedHashMap<>();
        for (Path a : archives) {
            try {
                prepared.put(a, prepare(a));
            } catch (PluginLoadException e) {
                failures.add(e);
            }
        }
        return prepared;
    }

    /**
     * Reads an archive and validates its declaration without loading it and without running the
     * checks: what {@code stigmem scan} and {@code review} work from. The private copy is deleted
     * before this returns; the candidate's image stays in memory, no longer counted against the
     * loader's memory budget ({@link ArchiveLimits#maxConcurrentHeldBytes()}): callers that inspect
     * archives concurrently use {@link #inspect(Path, Function)}.
     *
     * @throws ArchiveFormatException     the archive is corrupt, unsafe or over a bound
     * @throws PluginDeclarationException no valid entry class, manifest or module requires
     */
    public PluginCandidate inspect(Path archive) {
        return inspect(archive, c -> c);
    }

    /**
     * Reads an archive and validates its declaration as {@link #inspect(Path)} does, then hands the
     * candidate to {@code use} while the memory its image holds is still counted against the
     * loader's budget: archives inspected this way on several threads together hold at most
     * {@link ArchiveLimits#maxConcurrentHeldBytes()} (each waits, before reading, until its share is
     * free). {@code use} must not keep the candidate, nor read another archive through this loader.
     *
     * @return what {@code use} returned
     * @throws ArchiveFormatException     the archive is corrupt, unsafe or over a bound
     * @throws PluginDeclarationException no valid entry class, manifest or module requires
     */
    public <R> R inspect(Path archive, Function<? super PluginCandidate, ? extends R> use) {
        Objects.requireNonNull(use, "use");
        Prepared p = prepare(archive, false, true);
        try {
            p.copy().close();
            return use.apply(p.candidate());
        } finally {
            p.held().close();
        }
    }

    Prepared prepare(Path archive) {
        return prepare(archive, true, false);
    }

    /** Bytes of the concurrent memory budget taken now (tests). */
    long memoryInUse() {
        return memory.inUse();
    }

    /**
     * Reads, inspects and (unless told not to) checks an archive; nothing of it is loaded yet. The
     * archive's share of the memory budget is given back before this returns, unless
     * {@code keepMemory}: then the caller closes {@link Prepared#held()}.
     */
    private Prepared prepare(Path archive, boolean check, boolean keepMemory) {
        Objects.requireNonNull(archive, "archive");
        if (closed) {
            throw new IllegalStateException("the plugin loader is closed");
        }
        PrivateDirectory copy;
        try {
            PrivateDirectory[] made = new PrivateDirectory[1];
            OwnedDirectories.make(() -> {
                made[0] = PrivateDirectory.create(workDirectory, OwnedDirectories.copyPrefix());
                return made[0].path();
            });
            copy = made[0];
            if (!ownsWorkDirectory) {
                copies.add(copy.path());
                if (copies.size() > 1_024) {
                    copies.removeIf(c -> !Files.exists(c, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a private directory under " + workDirectory, e);
        }
        ArchiveReader reader = new ArchiveReader(limits, archive, copy, memory);
        boolean handedOver = false;
        try {
            long started = System.nanoTime();
            List<JarImage> jars = reader.read();
            long read = System.nanoTime();
            Path layerDir = Files.createDirectory(copy.path().resolve("layer"));
            Map<String, ModuleReference> modules = ModuleJars.write(archive, jars, layerDir);
            long written = System.nanoTime();
            Map<String, ModuleDescriptor> descriptors = new LinkedHashMap<>();
            modules.forEach((jar, ref) -> descriptors.put(jar, ref.descriptor()));
            PluginDeclaration declaration = new PluginDeclarationReader(archive, allowlist).read(jars, descriptors);
            checkHostVersion(archive, declaration);
            if (LOG.isDebugEnabled()) { // (where a slow load or scan spends its time; the scan's own phases follow)
                LOG.debug("prepared {}: read {} ms, layer jars and module descriptors {} ms, declaration {} ms", archive,
                        (read - started) / 1_000_000, (written - read) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
            }
            if (!keepMemory) {
                // Only a layer needs the sealed modules: inspect (scan, review) reads the candidate
                // and closes the copy. Sealing cannot refuse what the JDK derived (it rebuilds the
                // same validated names, packages and providers), so the verdict is the same.
                modules = SealedModules.seal(modules, allowlist.reasons().keySet(), layers.parent(), substituted);
            }
            PluginCandidate candidate = new PluginCandidate(archive, declaration, descriptors);
            if (check) {
                runChecks(candidate);
            }
            handedOver = keepMemory;
            return new Prepared(candidate, declaration, modules, copy, reader);
        } catch (RuntimeException e) {
            copy.close();
            if (e instanceof PluginLoadException ple) {
                LOG.warn("refused {}", ple.getMessage());
            }
            throw e;
        } catch (IOException e) {
            copy.close();
            throw new ArchiveFormatException(archive, Optional.empty(),
                    "cannot be copied into the loader's private directory: " + ArchiveReader.describe(e), e);
        } finally {
            if (!handedOver) {
                reader.close();
            }
        }
    }

    /**
     * A new 0700 directory per loader, so no other local user can swap the private copies, named
     * with this JVM's pid ({@code stigmem-loader-PID-N}); the ones of processes that are gone are
     * removed first ({@link OwnedDirectories#sweep}).
     */
    private static Path freshWorkDirectory() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        sweepOnce(tmp, OwnedDirectories.LOADER);
        try {
            Path dir = OwnedDirectories.make(() -> PrivateDirectory.create(tmp, OwnedDirectories.loaderPrefix()).path());
            dir.toFile().deleteOnExit(); // a loader never closed (a short CLI run): removed at exit when empty
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the loader's work directory in java.io.tmpdir", e);
        }
    }

    // Parents already swept by this JVM: what processes left behind is removed once per JVM and directory.
    private static final java.util.Set<Path> SWEPT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void sweepOnce(Path parent, java.util.regex.Pattern pattern) {
        if (SWEPT.add(parent.toAbsolutePath().normalize().resolve(pattern.pattern()))) {
            OwnedDirectories.sweep(parent, pattern);
        }
    }

    /**
     * Removes the loader's work directory (its own, in the temp directory) or, in an operator's work
     * directory, the private copies it made that are still there. Close the plugins it loaded first:
     * their copies go with the directory. Idempotent; later loads throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closed = true;
        try {
            if (ownsWorkDirectory) {
                OwnedDirectories.delete(workDirectory);
            } else {
                for (Path c : copies) {
                    OwnedDirectories.delete(c);
                }
                copies.clear();
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the loader's work directory {}: {} (a later start removes it)", workDirectory, e.toString());
        }
    }

    /** The directory holding this loader's private copies. */
    public Path workDirectory() {
        return workDirectory;
    }

    /**
     * An operator-chosen work directory must belong to this user and be writable by nobody else:
     * whoever can write to it can rename the private copies away and put other bytes in their place.
     */
    private static Path checkedWorkDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            if (Files.isSymbolicLink(dir)) {
                throw new IllegalArgumentException("work directory " + dir + " is a symbolic link");
            }
            if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                var attrs = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                var me = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
                var perms = attrs.permissions();
                if (!attrs.owner().equals(me)
                        || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                        || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "work directory %s must be owned by %s and writable by nobody else (it is owned by %s, %s)",
                            dir, me.getName(), attrs.owner().getName(),
                            java.nio.file.attribute.PosixFilePermissions.toString(perms)));
                }
            }
            sweepOnce(dir, OwnedDirectories.COPY); // private copies a killed process left here
            return dir;
        } catch (IOException e) {
            throw new IllegalArgumentException("work directory " + dir + " cannot be checked: " + e, e);
        }
    }

    private void checkHostVersion(Path archive, PluginDeclaration d) {
        hostVersion.ifPresent(v -> {
            if (!d.manifest().requires().includes(v)) {
                throw new PluginDeclarationException(archive, Optional.of(d.entryClass()), String.format(Locale.ROOT,
                        "plugin '%s' requires node %s, this node is %s", d.manifest().name(), d.manifest().requires(), v));
            }
        });
    }

    private void runChecks(PluginCandidate candidate) {
        for (ArchiveCheck check : checks) {
            CheckVerdict verdict;
            try {
                verdict = Objects.requireNonNull(check.check(candidate), "verdict");
            } catch (PluginLoadException e) {
                throw e;
            } catch (dev.stigmem.loader.scan.ScanException e) {
                // The scan could not come to a verdict (an unreadable class file, a scan limit): its message says why.
                throw new PluginRejectedException(candidate.archive(), Optional.empty(),
                        String.format(Locale.ROOT, "refused: %s could not come to a verdict: %s",
                                check instanceof dev.stigmem.loader.scan.ScanCheck ? dev.stigmem.loader.scan.ScanCheck.NAME
                                        : check.getClass().getSimpleName(), dev.stigmem.loader.internal.trust.EscapedText.of(String.valueOf(e.getMessage()))), e);
            } catch (RuntimeException e) {
                throw new PluginRejectedException(candidate.archive(), Optional.empty(),
                        "check " + check.getClass().getName() + " failed, so the archive is refused: " + e, e);
            }
            if (verdict instanceof CheckVerdict.Reject r) {
                throw new PluginRejectedException(candidate.archive(), Optional.empty(),
                        String.format(Locale.ROOT, "rejected by %s: %s", r.check(), r.reason()));
            }
        }
    }

    /** Defines the layer and instantiates the entry class. */
    LoadedPlugin define(Prepared p) {
        Path archive = p.candidate().archive();
        PluginLayers.Defined defined = null;
        try {
            if (substituted.contains(p.declaration().moduleName())) {
                throw new dev.stigmem.loader.LayerResolutionException(archive, Optional.of("module " + p.declaration().moduleName()),
                        "the plugin's own module takes the name of a library module the host supplies (scan policy line "
                                + "substitute-module " + p.declaration().moduleName() + "); rename the plugin module");
            }
            defined = layers.define(archive, p.modules(), substituted, substitutes);
            ModuleLayer layer = defined.layer();
            // Before any class of the layer is initialised: the host encloses it (runtime JDK guard).
            layerListener.accept(p.declaration().manifest(), layer);
            Plugin plugin = instantiate(archive, layer, p.declaration());
            LOG.info("loaded plugin '{}' {} from {} (module {}, {} jar(s))", p.declaration().manifest().name(),
                    p.declaration().manifest().version(), archive, p.declaration().moduleName(), p.modules().size());
            return new LoadedPlugin(archive, p.declaration().manifest(), p.declaration().moduleName(),
                    p.declaration().entryClass(), layer, plugin, p.copy(), defined.jars());
        } catch (RuntimeException e) {
            if (defined != null) {
                defined.jars().close();
            }
            p.copy().close();
            throw e;
        }
    }

    private Plugin instantiate(Path archive, ModuleLayer layer, PluginDeclaration d) {
        Optional<String> where = Optional.of(d.entryClass());
        ServiceLoader.Provider<Plugin> provider;
        try {
            // Finding and loading the provider class defines classes; it does not initialise them, so no plugin code runs.
            List<ServiceLoader.Provider<Plugin>> own = ServiceLoader.load(layer, Plugin.class).stream()
                    .filter(p -> p.type().getModule().getLayer() == layer)
                    .toList();
            if (own.size() != 1 || !own.get(0).type().getName().equals(d.entryClass())) {
                throw new PluginInstantiationException(archive, where, String.format(Locale.ROOT,
                        "the layer's service loader found %s instead of the entry class",
                        own.stream().map(p -> p.type().getName()).toList()));
            }
            provider = own.get(0);
        } catch (PluginInstantiationException e) {
            throw e;
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            // RuntimeException includes the SecurityException a signed jar whose entries were
            // altered throws when its classes are read.
            throw new PluginInstantiationException(archive, where,
                    "the entry class cannot be instantiated: " + causes(e), e);
        }
        // The entry class's initializer and constructor are plugin code: run them with the plugin's
        // own loader as the context loader, so a TCCL lookup does not start at the host's loader.
        ClassLoader pluginLoader = layer.findLoader(d.moduleName());
        java.util.concurrent.Callable<Plugin> construction = () -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(pluginLoader);
            try {
                return provider.get();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
        Plugin plugin;
        try {
            plugin = instantiator.instantiate(archive, d.manifest(), d.entryClass(), construction);
        } catch (PluginInstantiationException e) {
            throw e;
        } catch (PluginLoadException e) {
            throw new PluginInstantiationException(archive, where, e.reason(), e);
        } catch (Exception | LinkageError | ServiceConfigurationError e) {
            throw new PluginInstantiationException(archive, where,
                    "the entry class cannot be instantiated: " + causes(e), e);
        }
        if (plugin == null) {
            throw new PluginInstantiationException(archive, where, "the instantiator returned no instance");
        }
        return plugin;
    }

    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            b.append(" <- ").append(t);
        }
        return b.toString();
    }

    /**
     * The archives of a plugin directory, as {@link #loadAll} sees them: {@code *.jar},
     * {@code *.zip} and sub-directories, not hidden, sorted by name.
     *
     * @throws PluginSetException if the directory cannot be listed
     */
    public static List<Path> archivesIn(Path directory) {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                String n = String.valueOf(p.getFileName());
                if (n.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(p) || n.endsWith(".jar") || n.endsWith(".zip")) {
                    archives.add(p);
                }
            }
        } catch (IOException e) {
            throw new PluginSetException(directory, 0, List.of(new ArchiveFormatException(directory, Optional.empty(),
                    "the plugin directory cannot be listed: " + e, e)));
        }
        archives.sort(null);
        return archives;
    }

    /**
     * An archive read, inspected and checked, with its private copy; not loaded yet. {@code held}
     * holds the archive's share of the memory budget when the caller asked to keep it.
     */
    record Prepared(PluginCandidate candidate, PluginDeclaration declaration,
                    Map<String, ModuleReference> modules, PrivateDirectory copy, ArchiveReader held) {
    }

    /** Configures a {@link PluginLoader}. Not thread-safe. */
    public static final class Builder {
        private ArchiveLimits limits = ArchiveLimits.DEFAULTS;
        private Path workDirectory;
        private ModuleLayer parentLayer;
        private final List<ArchiveCheck> checks = new ArrayList<>();
        private SemanticVersion hostVersion;
        private dev.stigmem.loader.scan.ScanPolicy scanPolicy = dev.stigmem.loader.scan.ScanPolicy.shipped();
        private java.util.function.BiConsumer<PluginCandidate, dev.stigmem.loader.scan.ScanReport> scanListener = (c, r) -> { };
        private java.util.function.BiConsumer<dev.stigmem.api.PluginManifest, ModuleLayer> layerListener = (m, l) -> { };
        private PluginInstantiator instantiator = PluginInstantiator.DIRECT;
        private boolean scan = true;
        private final Map<String, ModuleSubstitute> substitutes = new java.util.TreeMap<>();

        private Builder() {
        }

        /**
         * Supplies the host's copy of a module that the scan policy substitutes
         * ({@code substitute-module}); without one, a plugin bundling that module is refused when its
         * layer is defined.
         *
         * @throws IllegalArgumentException if one was supplied for that module already
         */
        public Builder substitute(ModuleSubstitute substitute) {
            Objects.requireNonNull(substitute, "substitute");
            if (substitutes.putIfAbsent(substitute.moduleName(), substitute) != null) {
                throw new IllegalArgumentException("a substitute for module " + substitute.moduleName() + " was supplied already");
            }
            return this;
        }

        /**
         * The policy of the bytecode pre-scan, which every loader runs after the added checks and
         * before any layer is built; {@link dev.stigmem.loader.scan.ScanPolicy#shipped()} unless set.
         * There is no switch to turn the scan off.
         */
        public Builder scanPolicy(dev.stigmem.loader.scan.ScanPolicy policy) {
            this.scanPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Receives each plugin's layer as soon as it is defined, before any of its classes is
         * initialised (the node encloses it in the runtime JDK guard here). If the listener throws, the
         * plugin is not loaded: the failure propagates and its private copy is removed.
         */
        public Builder onLayer(java.util.function.BiConsumer<dev.stigmem.api.PluginManifest, ModuleLayer> listener) {
            this.layerListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Runs the construction of each entry class (its static initializer and constructor, plugin
         * code); {@link PluginInstantiator#DIRECT}, on the loading thread without a time limit, unless
         * set. The node runs it on the plugin's own thread under its lifecycle time limit.
         */
        public Builder instantiateWith(PluginInstantiator instantiator) {
            this.instantiator = Objects.requireNonNull(instantiator, "instantiator");
            return this;
        }

        /** Receives every scan report (accepted or not) before the verdict; must not throw. */
        public Builder onScan(java.util.function.BiConsumer<PluginCandidate, dev.stigmem.loader.scan.ScanReport> listener) {
            this.scanListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Tests only (package-private, so no other module can reach it): loads code the scan would
         * refuse, to prove that the layers and the runtime gate hold on their own.
         */
        Builder withoutScanForTests() {
            this.scan = false;
            return this;
        }

        /** Resource bounds for reading archives; {@link ArchiveLimits#DEFAULTS} unless set. */
        public Builder limits(ArchiveLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Where the loader creates its private (0700) copies. Must be owned by this user and not
         * writable by group or others. Unless set, a fresh 0700 directory in {@code java.io.tmpdir}.
         */
        public Builder workDirectory(Path directory) {
            this.workDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The layer plugin layers are defined above; it must hold {@code dev.stigmem.api}. Unless set,
         * the layer that holds the api module this loader was linked against (the boot layer when the
         * host runs on the module path).
         */
        public Builder parentLayer(ModuleLayer layer) {
            if (layer.findModule("dev.stigmem.api").isEmpty()) {
                throw new IllegalArgumentException("the parent layer does not hold the module dev.stigmem.api");
            }
            this.parentLayer = layer;
            return this;
        }

        /** Adds a check; checks run in the order added. */
        public Builder check(ArchiveCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Refuses plugins whose manifest {@code requires} range excludes this node version. */
        public Builder hostVersion(SemanticVersion version) {
            this.hostVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * @throws IllegalStateException when {@code dev.stigmem.api} is not a named module of the host
         *                               (the message says what to add to the command line)
         */
        public PluginLoader build() {
            return new PluginLoader(this);
        }
    }
}
