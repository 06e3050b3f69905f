package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustCheck;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.audit.AuditSink;
import dev.stigmem.node.internal.install.Acceptances;
import dev.stigmem.node.internal.install.InstallException;
import dev.stigmem.node.internal.install.InstallOutcome;
import dev.stigmem.node.internal.install.InstallRefusedException;
import dev.stigmem.node.internal.install.PluginInstaller;
import dev.stigmem.node.internal.review.ReviewReports;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stigmem install}: verify, scan, compare with the installed version, then copy atomically
 * into the plugin directory, keeping the version replaced for rollback. Exit 0 installed, 1 refused
 * (nothing changed), 2 input or I/O error (nothing changed).
 */
final class InstallCommand implements Callable<Integer> {

    /**
     * The install trail, next to the node's {@code audit.jsonl} but not in it: a running node keeps
     * its trail's sequence in memory, so a second writer would break the sequence the node checks
     * when it reopens the trail. Same format, same fsync per event.
     */
    static final String AUDIT_FILE = "install-audit.jsonl";

    /** Serialises installs into one plugin directory. */
    static final String LOCK_FILE = PluginInstaller.LOCK_FILE;

    final CommandSpec spec;
    private final Arg<Path> archive;
    private final DirectoryOptions directory;
    private final Arg<String> acceptBroadened;
    private final Arg<String> acceptSignerChange;
    private final Arg<String> acceptDowngrade;
    private final ReviewOptions options;

    InstallCommand() {
        CommandModel m = new CommandModel("install", this,
                "Install or upgrade a plugin archive in a node's plugin directory without running any of its code.",
                "Verifies its signatures against the trust policy and pre-scans it. On upgrade (the directory holds the same plugin name) it "
                        + "refuses broadened access, a changed signer set or a lower version unless the matching --accept-* option gives a reason, "
                        + "and keeps the version it replaces for stigmem rollback.",
                "The copy is atomic: a refusal, an error or a crash leaves the installed version intact. "
                        + "Each decision is appended to DATA/install-audit.jsonl with --data.",
                "A missing plugin directory is created when its parent exists.",
                "Exit 0: installed; 1: refused (untrusted, rejected by the scan, a refused declaration, or an unaccepted upgrade); 2: input or I/O error.")
                .footer("%nExample:%n",
                        "  stigmem install plugin-2.jar --plugins plugins --trust-policy trust.policy --data data",
                        "      [--accept-broadened REASON] [--accept-signer-change REASON] [--accept-downgrade REASON]");
        archive = m.positional(0, "ARCHIVE", Path.class, "The plugin archive: a .jar or a .zip of jars.");
        directory = new DirectoryOptions(m);
        acceptBroadened = m.option("--accept-broadened", "REASON", String.class,
                "Install an upgrade that adds a capability, raises the highest impact or adds a hook; REASON is audited.");
        acceptSignerChange = m.option("--accept-signer-change", "REASON", String.class,
                "Install an upgrade signed by a different signer set than the installed version; REASON is audited.");
        acceptDowngrade = m.option("--accept-downgrade", "REASON", String.class,
                "Install a lower version than the installed one; REASON is audited. stigmem rollback needs no acceptance.");
        options = new ReviewOptions(m);
        spec = m.spec();
    }

    @Override
    public Integer call() throws IOException {
        Path archive = this.archive.value();
        PrintWriter err = spec.commandLine().getErr();
        Acceptances accepted;
        try {
            accepted = Acceptances.of(acceptBroadened.value(), acceptSignerChange.value(), acceptDowngrade.value());
        } catch (IllegalArgumentException e) {
            err.println("stigmem: " + e.getMessage());
            return ExitStatus.USAGE_OR_INPUT;
        }
        TrustPolicy trust = options.trust();
        ScanPolicy scan = options.scan();
        return directory.underLock(spec, true, (out, clock, audit, lock) -> {
            InstallOutcome outcome;
            try {
                outcome = new PluginInstaller(trust, scan, clock, audit, accepted).install(archive, lock);
            } catch (InstallRefusedException e) {
                out.printf(Locale.ROOT, "Install of %s%nREFUSED, nothing changed:%n  %s%n", archive, e.getMessage());
                return ExitStatus.REJECTED;
            }
            out.printf(Locale.ROOT, "Install of %s: plugin '%s' %s%n", archive, outcome.candidate().manifest().name(),
                    outcome.candidate().manifest().version());
            return report(out, outcome, "INSTALLED");
        });
    }

    /** Prints what an install or rollback decided; the exit status. */
    static int report(PrintWriter out, InstallOutcome outcome, String done) {
        var c = outcome.candidate();
        out.printf(Locale.ROOT, "  trust: %s%n", c.trust().accepted() ? TrustCheck.describe(c.trust())
                : "rejected: " + ((TrustDecision.Rejected) c.trust()).message());
        out.printf(Locale.ROOT, "  scan: %s%n", c.scan().summary());
        outcome.previous().ifPresentOrElse(
                p -> out.printf(Locale.ROOT, "  replaces %s (version %s)%n", p.archive(), p.manifest().version()),
                () -> out.println("  new plugin: no installed version"));
        outcome.diff().ifPresent(d -> out.print(ReviewReports.diffText(d).indent(2)));
        if (outcome instanceof InstallOutcome.Refused r) {
            out.println("REFUSED, nothing changed:");
            r.reasons().forEach(x -> out.println("  " + x.replace("\n", "\n    ").stripTrailing()));
            return ExitStatus.REJECTED;
        }
        InstallOutcome.Installed i = (InstallOutcome.Installed) outcome;
        out.printf(Locale.ROOT, "%s as %s%s%n", done, i.target(),
                i.removedPrevious().map(p -> "; removed the previous version " + p).orElse(""));
        i.kept().ifPresent(k -> out.printf(Locale.ROOT, "  kept %s for stigmem rollback %s%n", k, c.manifest().name()));
        out.flush();
        return ExitStatus.OK;
    }

    /** What a command does with the plugin directory locked and the install trail open. */
    @FunctionalInterface
    interface Locked {
        int run(PrintWriter out, Clock clock, AuditSink audit, PluginInstaller.InstallLock lock) throws IOException;
    }

    /** Options of the commands that change a plugin directory: install, rollback, uninstall. */
    static final class DirectoryOptions {
        private final Arg<Path> plugins;
        private final Arg<Path> data;
        private final Arg<Boolean> repairAudit;

        /** Adds the options to {@code command}'s model. */
        DirectoryOptions(CommandModel command) {
            plugins = command.requiredOption("--plugins", "DIR", Path.class, "The node's plugin directory.");
            data = command.option("--data", "DATA", Path.class,
                    "The node's data directory: decisions go to DATA/install-audit.jsonl (the node's audit.jsonl format, a trail of its own).");
            repairAudit = command.flag("--repair-audit",
                    "Go on with a damaged install trail (DATA/install-audit.jsonl): move it aside from its first bad line to the end, "
                            + "to a dated file next to it, audited as node.audit_repaired. A torn last line is moved aside without it.");
        }

        /**
         * Runs {@code action} holding the directory's install lock, with the install trail open;
         * input and I/O errors are printed and give exit 2. With {@code create}, a missing plugin
         * directory is created when its parent exists (a missing parent is more likely a mistyped
         * path than a new node, so that is refused).
         */
        int underLock(CommandSpec spec, boolean create, Locked action) throws IOException {
            Path plugins = this.plugins.value();
            Path data = this.data.value();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Clock clock = Clock.systemUTC();
            boolean created = false;
            if (!Files.exists(plugins, LinkOption.NOFOLLOW_LINKS) && create) {
                Path parent = plugins.toAbsolutePath().normalize().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    err.println("stigmem: plugin directory " + plugins + " does not exist, nor does its parent " + parent
                            + "; if that is the path you meant, create it first (mkdir -p " + plugins + ")");
                    return ExitStatus.USAGE_OR_INPUT;
                }
                try {
                    Files.createDirectory(plugins);
                } catch (IOException e) {
                    err.println("stigmem: plugin directory " + plugins + " does not exist and cannot be created: " + e);
                    return ExitStatus.USAGE_OR_INPUT;
                }
                created = true;
            }
            if (!Files.isDirectory(plugins)) {
                err.println("stigmem: plugin directory " + plugins + " does not exist or is not a directory");
                return ExitStatus.USAGE_OR_INPUT;
            }
            // One change at a time per plugin directory: two installs could otherwise both find no
            // installed version and both be installed. The lock file is hidden, so the node never lists it.
            var lock = PluginInstaller.InstallLock.tryAcquire(plugins);
            if (lock.isEmpty()) {
                err.println("stigmem: another install into " + plugins + " is running (it holds " + plugins.resolve(LOCK_FILE) + ")");
                return ExitStatus.USAGE_OR_INPUT;
            }
            try (PluginInstaller.InstallLock held = lock.get()) {
                AuditLog log;
                try {
                    log = data == null ? AuditLog.inMemory(clock) : AuditLog.open(data.resolve(AUDIT_FILE), clock, repairAudit.value());
                } catch (IOException e) {
                    err.println("stigmem: cannot open the install trail: " + e.getMessage());
                    return ExitStatus.USAGE_OR_INPUT;
                }
                try (log) {
                    if (data == null) {
                        err.println("stigmem: no --data: this decision is not written to any audit trail");
                    }
                    if (created) {
                        log.record("operator", "plugin.directory_created", Map.of("plugins", plugins.toString()));
                        out.println("Created plugin directory " + plugins);
                    }
                    try {
                        return action.run(out, clock, log, held);
                    } catch (InstallException | UncheckedIOException e) {
                        err.println("stigmem: " + e.getMessage());
                        return ExitStatus.USAGE_OR_INPUT;
                    }
                }
            }
        }
    }
}
