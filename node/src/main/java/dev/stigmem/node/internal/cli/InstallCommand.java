package dev.stigmem.node.internal.cli;

import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.audit.AuditSink;
import dev.stigmem.node.internal.install.InstallException;
import dev.stigmem.node.internal.install.InstallOutcome;
import dev.stigmem.node.internal.install.InstallRefusedException;
import dev.stigmem.node.internal.install.PluginInstaller;
import dev.stigmem.node.internal.review.ReviewReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code stigmem install}: verify, scan, compare with the installed version, then copy atomically
 * into the plugin directory. Exit 0 installed, 1 refused (nothing changed), 2 input or I/O error
 * (nothing changed).
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install or upgrade a plugin archive in a node's plugin directory without running any of its code.",
                "Verifies its signatures against the trust policy and pre-scans it. On upgrade (the directory holds the same plugin name) it "
                        + "refuses broadened access or a changed signer set unless accepted.",
                "The copy is atomic: a refusal, an error or a crash leaves the installed version intact. "
                        + "Each decision is appended to DATA/install-audit.jsonl with --data.",
                "Exit 0: installed; 1: refused (untrusted, rejected by the scan, a refused declaration, or an unaccepted upgrade); 2: input or I/O error."},
        footerHeading = "%nExample:%n",
        footer = {"  stigmem install plugin-2.jar --plugins plugins --trust-policy trust.policy --data data",
                "      [--accept-broadened] [--accept-signer-change]"})
final class InstallCommand implements Callable<Integer> {

    /**
     * The install trail, next to the node's {@code audit.jsonl} but not in it: a running node keeps
     * its trail's sequence in memory, so a second writer would break the sequence the node checks
     * when it reopens the trail. Same format, same fsync per event.
     */
    static final String AUDIT_FILE = "install-audit.jsonl";

    /** Serialises installs into one plugin directory. */
    static final String LOCK_FILE = PluginInstaller.LOCK_FILE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The plugin archive: a .jar or a .zip of jars.")
    Path archive;

    @Option(names = "--plugins", required = true, paramLabel = "DIR", description = "The node's plugin directory.")
    Path plugins;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The node's data directory: install decisions go to DIR/install-audit.jsonl (the node's audit.jsonl format, a trail of its own).")
    Path data;

    @Option(names = "--accept-broadened", description = "Install an upgrade that adds a capability, raises the highest impact or adds a hook.")
    boolean acceptBroadened;

    @Option(names = "--accept-signer-change", description = "Install an upgrade signed by a different signer set than the installed version.")
    boolean acceptSignerChange;

    @CommandLine.Mixin
    ReviewOptions options;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Clock clock = Clock.systemUTC();
        var trust = options.trust();
        var scan = options.scan();
        if (!java.nio.file.Files.isDirectory(plugins)) {
            err.println("stigmem: plugin directory " + plugins + " does not exist or is not a directory");
            return ExitStatus.USAGE_OR_INPUT;
        }
        // One install at a time per plugin directory: two could otherwise both find no installed
        // version and both be installed. The lock file is hidden, so the node never lists it.
        var lock = PluginInstaller.InstallLock.tryAcquire(plugins);
        if (lock.isEmpty()) {
            err.println("stigmem: another install into " + plugins + " is running (it holds " + plugins.resolve(LOCK_FILE) + ")");
            return ExitStatus.USAGE_OR_INPUT;
        }
        try (PluginInstaller.InstallLock held = lock.get()) {
            return installLocked(out, err, clock, trust, scan, held);
        }
    }

    private int installLocked(PrintWriter out, PrintWriter err, Clock clock, dev.stigmem.loader.trust.TrustPolicy trust,
                              dev.stigmem.loader.scan.ScanPolicy scan, PluginInstaller.InstallLock lock) throws IOException {
        AuditLog log = data == null ? AuditLog.inMemory(clock) : AuditLog.open(data.resolve(AUDIT_FILE), clock);
        try (log) {
            if (data == null) {
                err.println("stigmem: no --data: this install decision is not written to any audit trail");
            }
            AuditSink sink = log;
            InstallOutcome outcome;
            try {
                outcome = new PluginInstaller(trust, scan, clock, sink, acceptBroadened, acceptSignerChange).install(archive, lock);
            } catch (InstallRefusedException e) {
                out.printf(Locale.ROOT, "Install of %s%nREFUSED, nothing changed:%n  %s%n", archive, e.getMessage());
                return ExitStatus.REJECTED;
            } catch (InstallException | UncheckedIOException e) {
                err.println("stigmem: " + e.getMessage());
                return ExitStatus.USAGE_OR_INPUT;
            }
            var c = outcome.candidate();
            out.printf(Locale.ROOT, "Install of %s: plugin '%s' %s%n", archive, c.manifest().name(), c.manifest().version());
            out.printf(Locale.ROOT, "  trust: %s%n", c.trust().accepted() ? dev.stigmem.loader.trust.TrustCheck.describe(c.trust())
                    : "rejected: " + ((dev.stigmem.loader.trust.TrustDecision.Rejected) c.trust()).message());
            out.printf(Locale.ROOT, "  scan: %s%n", c.scan().summary());
            outcome.previous().ifPresentOrElse(
                    p -> out.printf(Locale.ROOT, "  upgrade of %s (version %s)%n", p.archive(), p.manifest().version()),
                    () -> out.println("  new plugin: no installed version"));
            outcome.diff().ifPresent(d -> out.print(ReviewReports.diffText(d).indent(2)));
            if (outcome instanceof InstallOutcome.Refused r) {
                out.println("REFUSED, nothing changed:");
                r.reasons().forEach(x -> out.println("  " + x.replace("\n", "\n    ").stripTrailing()));
                return ExitStatus.REJECTED;
            }
            InstallOutcome.Installed i = (InstallOutcome.Installed) outcome;
            out.printf(Locale.ROOT, "INSTALLED as %s%s%n", i.target(),
                    i.removedPrevious().map(p -> "; removed the previous version " + p).orElse(""));
            out.flush();
            return ExitStatus.OK;
        }
    }

}
