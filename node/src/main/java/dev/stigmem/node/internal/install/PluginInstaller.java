package dev.stigmem.node.internal.install;

import dev.stigmem.loader.ArchiveLimits;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.PluginSetException;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.audit.AuditSink;
import dev.stigmem.node.internal.review.ArchiveFacts;
import dev.stigmem.node.internal.review.UpgradeDiff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs a plugin archive into a node's plugin directory without running any of its code.
 *
 * <p>The archive is first copied into a private staging directory <em>inside</em> the plugin
 * directory (hidden, so {@link PluginLoader#archivesIn} never lists it, and on the same file
 * system, so the final rename is atomic) and forced to disk; everything after that reads the
 * staged copy, so the bytes verified and scanned are the bytes installed even if the operator's
 * file changes meanwhile. Then: trust decision, pre-scan, and, when the directory already holds
 * the same plugin (by manifest name), the {@link UpgradeDiff}: broadened access or a changed
 * signer set refuses unless the operator accepted it. Only then is the staged file renamed into
 * place with {@code ATOMIC_MOVE} (replacing a previous version of the same file name in one
 * step), the directory forced, and a previous version of another file name removed.
 *
 * <p>A refusal or a failure before the rename leaves the plugin directory as it was; a crash
 * before the rename leaves at most a hidden staging directory the node ignores, and the next install
 * removes (installs hold the directory's {@link InstallLock}, so a staging directory found then is
 * no running install's). A crash between
 * the rename and removing a previous version of another file name leaves both, which the node
 * refuses to start with (duplicate plugin name) rather than guessing; the operator removes one.
 *
 * <p>Every decision is audited before it takes effect: {@code plugin.install_refused}, or
 * {@code plugin.install_accepted} then {@code plugin.installed} (or {@code plugin.install_failed}).
 */
public final class PluginInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(PluginInstaller.class);
    private static final String ACTOR = "operator";

    private final TrustPolicy trustPolicy;
    private final ScanPolicy scanPolicy;
    private final Clock clock;
    private final AuditSink audit;
    private final boolean acceptBroadened;
    private final boolean acceptSignerChange;
    private final PluginLoader loader = PluginLoader.builder().build();

    /**
     * @param acceptBroadened    install an upgrade that broadens access (new capability, higher impact, new hook)
     * @param acceptSignerChange install an upgrade signed by a different signer set
     */
    public PluginInstaller(TrustPolicy trustPolicy, ScanPolicy scanPolicy, Clock clock, AuditSink audit,
                           boolean acceptBroadened, boolean acceptSignerChange) {
        this.trustPolicy = Objects.requireNonNull(trustPolicy, "trustPolicy");
        this.scanPolicy = Objects.requireNonNull(scanPolicy, "scanPolicy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.acceptBroadened = acceptBroadened;
        this.acceptSignerChange = acceptSignerChange;
    }

    /**
     * Verifies, scans and compares {@code archive}, then installs it into the locked plugin directory
     * or refuses. Staging directories earlier installs left (a crash) are removed first: the lock
     * says no install is running.
     *
     * @throws InstallRefusedException when the archive's declaration is refused (audited)
     * @throws InstallException        when the archive, the plugin directory or an installed archive
     *                                 cannot be read, or the copy fails; the plugin directory is left as it was
     */
    public InstallOutcome install(Path archive, InstallLock lock) {
        Path plugins = lock.directory();
        lock.checkHeld();
        Path fileName = checkInput(archive, plugins);
        sweepStaging(plugins);
        Path staging;
        try {
            staging = Files.createTempDirectory(plugins, STAGING_PREFIX);
        } catch (IOException e) {
            throw new InstallException("cannot create a staging directory in plugin directory " + plugins + ": " + e, e);
        }
        try {
            Path staged = staging.resolve(fileName);
            try {
                Files.copy(archive, staged);
                force(staged);
            } catch (IOException e) {
                throw new InstallException("plugin archive '" + archive + "' cannot be copied into " + plugins + ": " + e, e);
            }
            ArchiveFacts candidate = read(staged, archive);
            Optional<ArchiveFacts> previous = installedVersion(plugins, candidate.manifest().name());
            Optional<UpgradeDiff> diff = previous.map(p -> UpgradeDiff.between(p, candidate));
            Path target = plugins.resolve(fileName);

            List<String> reasons = new ArrayList<>(candidate.rejections());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    && previous.map(p -> !p.archive().equals(target)).orElse(true)) {
                reasons.add(String.format(Locale.ROOT, "%s already exists and is not an installed version of plugin '%s'",
                        target, candidate.manifest().name()));
            }
            diff.ifPresent(d -> {
                if (d.broadened() && !acceptBroadened) {
                    reasons.add("access broadens (" + String.join("; ", d.broadenedBecause())
                            + "); review it, then accept with --accept-broadened");
                }
                if (d.signers().changed() && !acceptSignerChange) {
                    reasons.add("the signer set changed since the installed version; review it, then accept with --accept-signer-change");
                }
            });
            Map<String, String> attrs = attributes(archive, candidate, previous, diff);
            if (!reasons.isEmpty()) {
                attrs.put("reasons", String.join("\n", reasons));
                audit.record(ACTOR, "plugin.install_refused", attrs);
                LOG.warn("refused to install {}: {}", archive, reasons);
                return new InstallOutcome.Refused(candidate, previous, diff, reasons);
            }
            attrs.put("target", target.toString());
            audit.record(ACTOR, "plugin.install_accepted", attrs);
            Optional<Path> removed;
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(plugins);
                removed = previous.map(ArchiveFacts::archive).filter(p -> !p.equals(target));
                if (removed.isPresent()) {
                    deleteTree(removed.get());
                    forceDirectory(plugins);
                }
            } catch (IOException e) {
                attrs.put("error", e.toString());
                audit.record(ACTOR, "plugin.install_failed", attrs);
                if (e instanceof AtomicMoveNotSupportedException) {
                    throw new InstallException("plugin directory " + plugins + " does not support an atomic rename: " + e, e);
                }
                throw new InstallException("installing '" + archive + "' into " + plugins + " failed: " + e, e);
            }
            removed.ifPresent(r -> attrs.put("removed_previous", r.toString()));
            audit.record(ACTOR, "plugin.installed", attrs);
            LOG.info("installed plugin '{}' {} as {}", candidate.manifest().name(), candidate.manifest().version(), target);
            return new InstallOutcome.Installed(candidate, previous, diff, target, removed);
        } finally {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                LOG.warn("staging directory {} could not be removed (the node ignores it): {}", staging, e.toString());
            }
        }
    }

    /** The lock file that serialises installs into one plugin directory (hidden: the node never lists it). */
    public static final String LOCK_FILE = ".stigmem-install.lock";

    /** The staging directories of this installer ({@code Files.createTempDirectory} names); nothing else is swept. */
    static final Pattern STAGING = Pattern.compile("\\.stigmem-install-[0-9]{1,20}");
    private static final String STAGING_PREFIX = ".stigmem-install-";

    /**
     * Holding this is holding the install lock of one plugin directory: one install at a time, so
     * that two cannot both find no installed version and both be installed, and so that staging
     * directories found while holding it are a crashed install's, never a running one's.
     */
    public static final class InstallLock implements AutoCloseable {
        private final Path directory;
        private final FileChannel channel;
        private final FileLock lock;

        private InstallLock(Path directory, FileChannel channel, FileLock lock) {
            this.directory = directory;
            this.channel = channel;
            this.lock = lock;
        }

        /**
         * Takes the lock of {@code plugins}, or returns empty when another install (another process,
         * or another install in this JVM) holds it. Never waits.
         *
         * @throws IOException when the lock file cannot be opened
         */
        public static Optional<InstallLock> tryAcquire(Path plugins) throws IOException {
            FileChannel channel = FileChannel.open(plugins.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new InstallLock(plugins, channel, lock));
        }

        /** The plugin directory it locks. */
        public Path directory() {
            return directory;
        }

        void checkHeld() {
            if (!lock.isValid()) {
                throw new IllegalStateException("the install lock of " + directory + " is no longer held");
            }
        }

        /** Releases the lock; the lock file stays (deleting it would race with the next holder). */
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Removes the staging directories of installs that did not finish (a crash, a kill): only
     * directories named like this installer's, not links, owned by this user, and only under the
     * install lock, so none belongs to a running install. Each removal is audited first.
     */
    private void sweepStaging(Path plugins) {
        List<Path> leftovers = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(plugins, STAGING_PREFIX + "*")) {
            java.nio.file.attribute.UserPrincipal me = plugins.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            for (Path p : entries) {
                if (leftovers.size() >= MAX_SWEPT) {
                    break;
                }
                if (STAGING.matcher(String.valueOf(p.getFileName())).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && me.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS))) {
                    leftovers.add(p);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot look for staging directories left in {}: {}", plugins, e.toString());
            return;
        }
        if (leftovers.isEmpty()) {
            return;
        }
        leftovers.sort(null);
        audit.record(ACTOR, "plugin.install_staging_removed", Map.of("plugins", plugins.toString(),
                "directories", String.join(",", leftovers.stream().map(p -> String.valueOf(p.getFileName())).toList()),
                "count", Integer.toString(leftovers.size())));
        for (Path p : leftovers) {
            try {
                deleteTree(p);
                LOG.info("removed staging directory {}, left by an install that did not finish", p);
            } catch (IOException e) {
                LOG.warn("cannot remove staging directory {} (the node ignores it): {}", p, e.toString());
            }
        }
        forceDirectory(plugins);
    }

    /** At most this many staging directories are removed by one install. */
    static final int MAX_SWEPT = 1_000;

    private static Path checkInput(Path archive, Path plugins) {
        if (!Files.isDirectory(plugins)) {
            throw new InstallException("plugin directory " + plugins + " does not exist or is not a directory");
        }
        if (!Files.exists(archive)) {
            throw new InstallException("plugin archive '" + archive + "' does not exist");
        }
        if (!Files.isRegularFile(archive)) {
            throw new InstallException("plugin archive '" + archive + "' is not a file: install takes a .jar or a .zip of jars");
        }
        Path fileName = archive.getFileName();
        String name = String.valueOf(fileName);
        if (name.startsWith(".") || !(name.endsWith(".jar") || name.endsWith(".zip"))) {
            throw new InstallException("plugin archive '" + archive
                    + "' must be named *.jar or *.zip and not start with '.', or the node would not load it");
        }
        try {
            long size = Files.size(archive);
            if (size > ArchiveLimits.DEFAULTS.maxArchiveBytes()) {
                throw new InstallException(String.format(Locale.ROOT, "plugin archive '%s' has %d bytes, more than the %d the loader reads",
                        archive, size, ArchiveLimits.DEFAULTS.maxArchiveBytes()));
            }
        } catch (IOException e) {
            throw new InstallException("plugin archive '" + archive + "' cannot be read: " + e, e);
        }
        return fileName;
    }

    /**
     * Reads the staged copy; messages name the operator's archive, not the staging path.
     *
     * @throws InstallRefusedException when the declaration is refused (audited)
     * @throws InstallException        when the archive cannot be read
     */
    private ArchiveFacts read(Path staged, Path archive) {
        try {
            return ArchiveFacts.of(loader.inspect(staged), archive, trustPolicy, scanPolicy, clock.instant());
        } catch (PluginDeclarationException e) {
            String reason = String.valueOf(e.getMessage()).replace(staged.toString(), archive.toString());
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("archive", archive.toString());
            attrs.put("reasons", reason);
            audit.record(ACTOR, "plugin.install_refused", attrs);
            throw new InstallRefusedException(reason, e);
        } catch (PluginLoadException | ScanException e) {
            throw new InstallException(String.valueOf(e.getMessage()).replace(staged.toString(), archive.toString()), e);
        }
    }

    /** The installed archive holding plugin {@code name}, read like the candidate. */
    private Optional<ArchiveFacts> installedVersion(Path plugins, String name) {
        List<Path> archives;
        try {
            archives = PluginLoader.archivesIn(plugins);
        } catch (PluginSetException e) {
            throw new InstallException(e.getMessage(), e);
        }
        // Every archive is inspected (read and its declaration validated) to learn its plugin name;
        // only the one of the same name is verified and scanned for the diff.
        List<ArchiveFacts> same = new ArrayList<>();
        for (Path p : archives) {
            try {
                PluginCandidate c = loader.inspect(p);
                if (c.manifest().name().equals(name)) {
                    same.add(ArchiveFacts.of(c, p, trustPolicy, scanPolicy, clock.instant()));
                }
            } catch (PluginLoadException | ScanException e) {
                // Fail closed: an unreadable archive may be the version this one replaces.
                throw new InstallException("installed archive " + p
                        + " cannot be read, so an upgrade cannot be compared with it (remove or repair it first): " + e.getMessage(), e);
            }
        }
        if (same.size() > 1) {
            throw new InstallException(String.format(Locale.ROOT, "plugin directory %s holds plugin '%s' more than once (%s); remove all but one first",
                    plugins, name, same.stream().map(f -> f.archive().toString()).toList()));
        }
        return same.stream().findFirst();
    }

    private static Map<String, String> attributes(Path archive, ArchiveFacts c, Optional<ArchiveFacts> previous,
                                                  Optional<UpgradeDiff> diff) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("archive", archive.toString());
        a.put("plugin", c.manifest().name());
        a.put("version", c.manifest().version().toString());
        a.put("trust_decision", c.trust().auditValue());
        a.put("signers", String.join("; ", c.trust().signers().stream().map(s -> s.fingerprint()).toList()));
        a.put("scan", c.scan().summary());
        previous.ifPresent(p -> {
            a.put("previous_archive", p.archive().toString());
            a.put("previous_version", p.manifest().version().toString());
        });
        diff.ifPresent(d -> {
            a.put("broadened", Boolean.toString(d.broadened()));
            a.put("signer_changed", Boolean.toString(d.signers().changed()));
        });
        return a;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename durable; directories cannot be opened for sync on every platform, which is then skipped. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
