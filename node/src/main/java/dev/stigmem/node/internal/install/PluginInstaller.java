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
 * Installs, rolls back and uninstalls plugin archives in a node's plugin directory without running
 * any of their code.
 *
 * <p><b>Install.</b> The archive is first copied into a private staging directory <em>inside</em>
 * the plugin directory (hidden, so {@link PluginLoader#archivesIn} never lists it, and on the same
 * file system, so the final rename is atomic) and forced to disk; everything after that reads the
 * staged copy, so the bytes verified and scanned are the bytes installed even if the operator's
 * file changes meanwhile. Then: trust decision, pre-scan, and, when the directory already holds
 * the same plugin (by manifest name), the {@link UpgradeDiff} and the version order: broadened
 * access, a changed signer set or a lower version refuses unless the operator accepted it with a
 * reason ({@link Acceptances}). Only then is the version it replaces kept for rollback, the staged
 * file renamed into place with {@code ATOMIC_MOVE} (replacing a previous version of the same file
 * name in one step), the directory forced, and a previous version of another file name removed.
 *
 * <p><b>The kept version.</b> One earlier version per plugin is kept in the plugin directory's
 * hidden {@value #KEPT_DIRECTORY}{@code /NAME/} (never listed by the node). It is filled as a whole:
 * the version to keep is copied into staging and forced, the version kept before is renamed into
 * staging (removed with it), and the copy's directory renamed into place; so the slot holds one
 * whole archive or none. {@link #rollback} installs the kept version as {@link #install} installs
 * an archive (trust, scan and the upgrade checks again, a downgrade accepted by the command itself)
 * and keeps the version it replaces in turn: two rollbacks are a roll forward. {@link #uninstall}
 * keeps the removed version there, so a rollback brings it back.
 *
 * <p><b>Crashes.</b> A refusal or a failure before the rename leaves the plugin directory as it
 * was; a crash before the rename leaves at most a hidden staging directory the node ignores, and
 * the next install, rollback or uninstall removes (they hold the directory's {@link InstallLock},
 * so a staging directory found then is no running one's). A crash between emptying the kept slot
 * and filling it leaves no kept version (rollback then says there is nothing to roll back to);
 * one just after filling it leaves the installed version kept too. A crash between the rename and
 * removing a previous version of another file name leaves both, which the node refuses to start
 * with (duplicate plugin name) rather than guessing; the operator removes one. The visible archives
 * are never partly written.
 *
 * <p>Every decision is audited before it takes effect: {@code plugin.install_refused}, or
 * {@code plugin.install_accepted} then {@code plugin.installed} (or {@code plugin.install_failed});
 * {@code plugin.rollback_*} and {@code plugin.rolled_back}, {@code plugin.uninstall_*} and
 * {@code plugin.uninstalled} alike.
 */
public final class PluginInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(PluginInstaller.class);
    private static final String ACTOR = "operator";

    /** The hidden directory of the plugin directory where one earlier version per plugin is kept for rollback. */
    public static final String KEPT_DIRECTORY = ".stigmem-rollback";

    private final TrustPolicy trustPolicy;
    private final ScanPolicy scanPolicy;
    private final Clock clock;
    private final AuditSink audit;
    private final Acceptances accepted;
    private final PluginLoader loader = PluginLoader.builder().build();

    /** An operation that puts an archive into place, with its audit actions. */
    private enum Put {
        INSTALL("install", "plugin.install_refused", "plugin.install_accepted", "plugin.installed", "plugin.install_failed"),
        ROLLBACK("rollback", "plugin.rollback_refused", "plugin.rollback_accepted", "plugin.rolled_back", "plugin.rollback_failed");

        final String verb;
        final String refused;
        final String accepted;
        final String done;
        final String failed;

        Put(String verb, String refused, String accepted, String done, String failed) {
            this.verb = verb;
            this.refused = refused;
            this.accepted = accepted;
            this.done = done;
            this.failed = failed;
        }
    }

    /**
     * @param accepted what the operator accepted, each with a reason: a broadening, a signer change, a downgrade
     */
    public PluginInstaller(TrustPolicy trustPolicy, ScanPolicy scanPolicy, Clock clock, AuditSink audit, Acceptances accepted) {
        this.trustPolicy = Objects.requireNonNull(trustPolicy, "trustPolicy");
        this.scanPolicy = Objects.requireNonNull(scanPolicy, "scanPolicy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
    }

    /**
     * Verifies, scans and compares {@code archive}, then installs it into the locked plugin directory
     * or refuses. Staging directories earlier installs left (a crash) are removed first: the lock
     * says no install is running. An upgrade keeps the version it replaces for {@link #rollback}.
     *
     * @throws InstallRefusedException when the archive's declaration is refused (audited)
     * @throws InstallException        when the archive, the plugin directory or an installed archive
     *                                 cannot be read, or the copy fails; the plugin directory is left as it was
     */
    public InstallOutcome install(Path archive, InstallLock lock) {
        return put(archive, lock, Put.INSTALL, Optional.empty());
    }

    /**
     * Installs the version of plugin {@code name} kept by the last upgrade or uninstall, checked as
     * {@link #install} checks an archive (trust, scan, broadening and signer change against the
     * installed version; going back to a lower version is what was asked, so no downgrade acceptance
     * is needed), and keeps the version it replaces in its place.
     *
     * @throws InstallException        when {@code name} is not a plugin name, nothing is kept for it, or as {@link #install}
     * @throws InstallRefusedException when the kept archive's declaration is refused (audited)
     */
    public InstallOutcome rollback(String name, InstallLock lock) {
        Path plugins = lock.directory();
        lock.checkHeld();
        checkName(name);
        Path slot = plugins.resolve(KEPT_DIRECTORY).resolve(name);
        Optional<Path> kept = keptArchive(slot);
        if (kept.isEmpty()) {
            boolean installed = installed(plugins).stream().anyMatch(i -> i.manifest().name().equals(name));
            throw new InstallException(String.format(Locale.ROOT, installed
                    ? "nothing to roll back to: no earlier version of plugin '%s' is kept in %s (an upgrade, a rollback or an uninstall"
                    + " keeps the version it replaces; a first install keeps none)"
                    : "plugin '%s' is neither installed in %s nor kept for rollback there%s", name, installed ? slot : plugins,
                    installed ? "" : installedNames(plugins)));
        }
        return put(kept.get(), lock, Put.ROLLBACK, Optional.of(name));
    }

    /**
     * Removes plugin {@code name} from the plugin directory, keeping it for {@link #rollback} (in
     * place of any version kept before). Refused when another installed plugin depends on it.
     *
     * @throws InstallException        when {@code name} is not a plugin name or not installed, or an archive cannot be read
     * @throws InstallRefusedException when an installed plugin depends on it (audited)
     */
    public Uninstalled uninstall(String name, InstallLock lock) {
        Path plugins = lock.directory();
        lock.checkHeld();
        checkName(name);
        sweepStaging(plugins);
        List<InstalledArchive> all = installed(plugins);
        List<InstalledArchive> same = all.stream().filter(i -> i.manifest().name().equals(name)).toList();
        if (same.isEmpty()) {
            boolean kept = keptArchive(plugins.resolve(KEPT_DIRECTORY).resolve(name)).isPresent();
            throw new InstallException(String.format(Locale.ROOT, "plugin '%s' is not installed in %s%s", name, plugins,
                    kept ? " (an earlier version is kept: stigmem rollback " + name + " installs it)" : installedNames(plugins)));
        }
        InstalledArchive victim = same.get(0);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("plugin", name);
        attrs.put("version", victim.manifest().version().toString());
        attrs.put("archive", victim.archive().toString());
        List<String> dependents = all.stream().filter(i -> i.manifest().dependsOn().contains(name))
                .map(i -> String.format(Locale.ROOT, "plugin '%s' (%s) depends on '%s'", i.manifest().name(), i.archive(), name)).toList();
        if (!dependents.isEmpty()) {
            String reason = String.join("; ", dependents) + "; uninstall " + (dependents.size() == 1 ? "it" : "them") + " first";
            attrs.put("reasons", reason);
            audit.record(ACTOR, "plugin.uninstall_refused", attrs);
            throw new InstallRefusedException(reason);
        }
        Path slot = plugins.resolve(KEPT_DIRECTORY).resolve(name);
        attrs.put("kept", slot.resolve(victim.archive().getFileName()).toString());
        Path staging = createStaging(plugins);
        try {
            audit.record(ACTOR, "plugin.uninstall_accepted", attrs);
            keep(plugins, name, victim.archive(), staging);
            // Renamed out of sight first: a directory archive cannot be deleted in one step, a rename is one.
            Files.move(victim.archive(), staging.resolve("uninstalled"), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(plugins);
        } catch (IOException e) {
            attrs.put("error", e.toString());
            audit.record(ACTOR, "plugin.uninstall_failed", attrs);
            throw new InstallException("uninstalling plugin '" + name + "' from " + plugins + " failed: " + e, e);
        } finally {
            removeStaging(staging);
        }
        audit.record(ACTOR, "plugin.uninstalled", attrs);
        LOG.info("uninstalled plugin '{}' {} ({}), kept for rollback in {}", name, victim.manifest().version(), victim.archive(), slot);
        return new Uninstalled(name, victim.manifest().version(), victim.archive(), slot.resolve(victim.archive().getFileName()));
    }

    /**
     * What {@link #uninstall} removed and where it is kept.
     *
     * @param archive the archive removed from the plugin directory
     * @param kept    where it is kept for {@link #rollback}
     */
    public record Uninstalled(String name, dev.stigmem.api.SemanticVersion version, Path archive, Path kept) {
        public Uninstalled {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(kept, "kept");
        }
    }

    private InstallOutcome put(Path archive, InstallLock lock, Put op, Optional<String> rollbackOf) {
        Path plugins = lock.directory();
        lock.checkHeld();
        Path fileName = checkInput(archive, plugins);
        sweepStaging(plugins);
        Path staging = createStaging(plugins);
        try {
            Path staged = staging.resolve(fileName);
            try {
                Files.copy(archive, staged);
                force(staged);
            } catch (IOException e) {
                throw new InstallException("plugin archive '" + archive + "' cannot be copied into " + plugins + ": " + e, e);
            }
            ArchiveFacts candidate = read(staged, archive, op);
            String name = candidate.manifest().name();
            if (rollbackOf.isPresent() && !rollbackOf.get().equals(name)) {
                throw new InstallException(String.format(Locale.ROOT, "the archive kept for plugin '%s', %s, holds plugin '%s'; remove it",
                        rollbackOf.get(), archive, name));
            }
            Optional<ArchiveFacts> previous = installedVersion(plugins, name);
            Optional<UpgradeDiff> diff = previous.map(p -> UpgradeDiff.between(p, candidate));
            Optional<Boolean> downgrade = previous.map(p -> candidate.manifest().version().compareTo(p.manifest().version()) < 0);
            Path target = plugins.resolve(fileName);

            List<String> reasons = new ArrayList<>(candidate.rejections());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    && previous.map(p -> !p.archive().equals(target)).orElse(true)) {
                reasons.add(String.format(Locale.ROOT, "%s already exists and is not an installed version of plugin '%s'", target, name));
            }
            diff.ifPresent(d -> {
                if (d.broadened() && accepted.broadened().isEmpty()) {
                    reasons.add("access broadens (" + String.join("; ", d.broadenedBecause())
                            + "); review it, then accept with --accept-broadened REASON");
                }
                if (d.signers().changed() && accepted.signerChange().isEmpty()) {
                    reasons.add("the signer set changed since the installed version; review it, then accept with --accept-signer-change REASON");
                }
            });
            // A rollback is the operator asking for the earlier version: the command is the acceptance.
            if (op == Put.INSTALL && downgrade.orElse(false) && accepted.downgrade().isEmpty()) {
                reasons.add(String.format(Locale.ROOT, "version %s is lower than the installed %s (a downgrade); stigmem rollback %s"
                                + " goes back to the version the last upgrade replaced, or accept this one with --accept-downgrade REASON",
                        candidate.manifest().version(), previous.orElseThrow().manifest().version(), name));
            }
            Map<String, String> attrs = attributes(archive, candidate, previous, diff);
            downgrade.ifPresent(d -> attrs.put("downgrade", Boolean.toString(d)));
            attrs.putAll(accepted.auditAttributes());
            if (!reasons.isEmpty()) {
                attrs.put("reasons", String.join("\n", reasons));
                audit.record(ACTOR, op.refused, attrs);
                LOG.warn("refused to {} {}: {}", op.verb, archive, reasons);
                return new InstallOutcome.Refused(candidate, previous, diff, reasons);
            }
            Path slot = plugins.resolve(KEPT_DIRECTORY).resolve(name);
            attrs.put("target", target.toString());
            previous.ifPresent(p -> attrs.put("kept", slot.resolve(p.archive().getFileName()).toString()));
            audit.record(ACTOR, op.accepted, attrs);
            Optional<Path> removed;
            try {
                // Kept before anything visible changes: a failure here leaves the installed version in place.
                if (previous.isPresent()) {
                    keep(plugins, name, previous.get().archive(), staging);
                }
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(plugins);
                removed = previous.map(ArchiveFacts::archive).filter(p -> !p.equals(target));
                if (removed.isPresent()) {
                    deleteTree(removed.get());
                    forceDirectory(plugins);
                }
                if (op == Put.ROLLBACK && previous.isEmpty()) {
                    // Rolled back after an uninstall: the kept version is the installed one now, not kept twice.
                    Files.move(slot, staging.resolve("rolled-back"), StandardCopyOption.ATOMIC_MOVE);
                    forceDirectory(slot.getParent());
                }
            } catch (IOException e) {
                attrs.put("error", e.toString());
                audit.record(ACTOR, op.failed, attrs);
                if (e instanceof AtomicMoveNotSupportedException) {
                    throw new InstallException("plugin directory " + plugins + " does not support an atomic rename: " + e, e);
                }
                throw new InstallException(op.verb + " of '" + archive + "' into " + plugins + " failed: " + e, e);
            }
            removed.ifPresent(r -> attrs.put("removed_previous", r.toString()));
            audit.record(ACTOR, op.done, attrs);
            LOG.info("{}: plugin '{}' {} as {}", op.done, name, candidate.manifest().version(), target);
            Optional<Path> keptAt = previous.map(p -> slot.resolve(p.archive().getFileName()));
            return new InstallOutcome.Installed(candidate, previous, diff, target, removed, keptAt);
        } finally {
            removeStaging(staging);
        }
    }

    /**
     * Makes {@code archive} the version kept for plugin {@code name}, replacing what was kept: a
     * forced copy in staging, the old slot renamed into staging (removed with it), the copy's
     * directory renamed into place. The slot never holds a partial archive.
     */
    private static void keep(Path plugins, String name, Path archive, Path staging) throws IOException {
        Path root = plugins.resolve(KEPT_DIRECTORY);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(root);
            forceDirectory(plugins);
        }
        Path copy = Files.createDirectory(staging.resolve("keep"));
        copyTree(archive, copy.resolve(archive.getFileName()));
        forceDirectory(copy);
        Path slot = root.resolve(name);
        if (Files.exists(slot, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(slot, staging.resolve("replaced-kept"), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(copy, slot, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(root);
    }

    /** The one archive kept in {@code slot}, or empty when nothing is kept; anything else there fails closed. */
    private static Optional<Path> keptArchive(Path slot) {
        if (!Files.exists(slot, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(slot, LinkOption.NOFOLLOW_LINKS)) {
            throw new InstallException(slot + " is not a directory: the kept version of a plugin is a directory holding one archive; remove it");
        }
        try (Stream<Path> list = Files.list(slot)) {
            List<Path> entries = list.sorted().limit(2).toList();
            if (entries.size() != 1) {
                throw new InstallException(String.format(Locale.ROOT, "%s holds %s, not one archive: remove it", slot,
                        entries.isEmpty() ? "nothing" : "more than one entry"));
            }
            return Optional.of(entries.get(0));
        } catch (IOException e) {
            throw new InstallException("the kept version in " + slot + " cannot be listed: " + e, e);
        }
    }

    private static void checkName(String name) {
        if (!dev.stigmem.api.PluginManifest.NAME.matcher(name).matches()) {
            throw new InstallException("'" + dev.stigmem.node.internal.untrusted.PluginText.bounded(name, 200)
                    + "' is not a plugin name: NAME is the manifest name, matching " + dev.stigmem.api.PluginManifest.NAME.pattern());
        }
    }

    private String installedNames(Path plugins) {
        List<String> names = installed(plugins).stream().map(i -> i.manifest().name()).sorted().toList();
        return names.isEmpty() ? " (it holds no plugin)" : " (installed: " + String.join(", ", names) + ")";
    }

    private static Path createStaging(Path plugins) {
        try {
            return Files.createTempDirectory(plugins, STAGING_PREFIX);
        } catch (IOException e) {
            throw new InstallException("cannot create a staging directory in plugin directory " + plugins + ": " + e, e);
        }
    }

    private static void removeStaging(Path staging) {
        try {
            deleteTree(staging);
        } catch (IOException e) {
            LOG.warn("staging directory {} could not be removed (the node ignores it): {}", staging, e.toString());
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
    private ArchiveFacts read(Path staged, Path archive, Put op) {
        try {
            return ArchiveFacts.of(loader.inspect(staged), archive, trustPolicy, scanPolicy, clock.instant());
        } catch (PluginDeclarationException e) {
            String reason = String.valueOf(e.getMessage()).replace(staged.toString(), archive.toString());
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("archive", archive.toString());
            attrs.put("reasons", reason);
            audit.record(ACTOR, op.refused, attrs);
            throw new InstallRefusedException(reason, e);
        } catch (PluginLoadException | ScanException e) {
            throw new InstallException(String.valueOf(e.getMessage()).replace(staged.toString(), archive.toString()), e);
        }
    }

    /** An archive of the plugin directory, inspected (read and its declaration validated), not verified nor scanned. */
    private record InstalledArchive(Path archive, PluginCandidate candidate) {
        dev.stigmem.api.PluginManifest manifest() {
            return candidate.manifest();
        }
    }

    /**
     * Every archive of the plugin directory, inspected to learn its plugin name.
     *
     * @throws InstallException when one cannot be read: it may be the version an upgrade replaces, so fail closed
     */
    private List<InstalledArchive> installed(Path plugins) {
        List<Path> archives;
        try {
            archives = PluginLoader.archivesIn(plugins);
        } catch (PluginSetException e) {
            throw new InstallException(e.getMessage(), e);
        }
        List<InstalledArchive> all = new ArrayList<>();
        for (Path p : archives) {
            try {
                all.add(new InstalledArchive(p, loader.inspect(p)));
            } catch (PluginLoadException | ScanException e) {
                throw new InstallException("installed archive " + p
                        + " cannot be read, so an upgrade cannot be compared with it (remove or repair it first): " + e.getMessage(), e);
            }
        }
        return all;
    }

    /** The installed archive holding plugin {@code name}, read like the candidate. */
    private Optional<ArchiveFacts> installedVersion(Path plugins, String name) {
        // Only the archive of the same name is verified and scanned for the diff.
        List<InstalledArchive> same = installed(plugins).stream().filter(i -> i.manifest().name().equals(name)).toList();
        if (same.size() > 1) {
            throw new InstallException(String.format(Locale.ROOT, "plugin directory %s holds plugin '%s' more than once (%s); remove all but one first",
                    plugins, name, same.stream().map(f -> f.archive().toString()).toList()));
        }
        if (same.isEmpty()) {
            return Optional.empty();
        }
        InstalledArchive i = same.get(0);
        try {
            return Optional.of(ArchiveFacts.of(i.candidate(), i.archive(), trustPolicy, scanPolicy, clock.instant()));
        } catch (PluginLoadException | ScanException e) {
            throw new InstallException("installed archive " + i.archive()
                    + " cannot be read, so an upgrade cannot be compared with it (remove or repair it first): " + e.getMessage(), e);
        }
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

    /** Copies a file, or a directory archive with everything in it, forcing each file copied. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(from, to, LinkOption.NOFOLLOW_LINKS);
            force(to);
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(q);
                } else {
                    Files.copy(p, q, LinkOption.NOFOLLOW_LINKS);
                    force(q);
                }
            }
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
