package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.install.Acceptances;
import dev.stigmem.node.internal.install.InstallOutcome;
import dev.stigmem.node.internal.install.InstallRefusedException;
import dev.stigmem.node.internal.install.PluginInstaller;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stigmem rollback NAME}: install the version of a plugin the last upgrade or uninstall kept. */
final class RollbackCommand implements Callable<Integer> {

    final CommandSpec spec;
    private final Arg<String> name;
    private final InstallCommand.DirectoryOptions directory;
    private final Arg<String> acceptBroadened;
    private final Arg<String> acceptSignerChange;
    private final ReviewOptions options;

    RollbackCommand() {
        CommandModel m = new CommandModel("rollback", this,
                "Put back the version of a plugin that the last upgrade, rollback or uninstall replaced.",
                "The kept archive is verified and scanned again and compared with the installed version as install does; "
                        + "broadened access or a changed signer set needs the matching --accept-* option with a reason, a lower version does not. "
                        + "The version it replaces is kept in turn, so a second rollback rolls forward.",
                "Exit 0: rolled back; 1: refused (nothing changed); 2: nothing to roll back to, an unknown NAME, or an input or I/O error.")
                .footer("%nExample:%n", "  stigmem rollback notes --plugins plugins --trust-policy trust.policy --data data");
        name = m.positional(0, "NAME", String.class, "The plugin's manifest name.");
        directory = new InstallCommand.DirectoryOptions(m);
        acceptBroadened = m.option("--accept-broadened", "REASON", String.class,
                "Roll back although the kept version has access the installed one does not; REASON is audited.");
        acceptSignerChange = m.option("--accept-signer-change", "REASON", String.class,
                "Roll back although the kept version has another signer set; REASON is audited.");
        options = new ReviewOptions(m);
        spec = m.spec();
    }

    @Override
    public Integer call() throws IOException {
        String name = this.name.value();
        Acceptances accepted;
        try {
            accepted = Acceptances.of(acceptBroadened.value(), acceptSignerChange.value(), null);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("stigmem: " + e.getMessage());
            return ExitStatus.USAGE_OR_INPUT;
        }
        TrustPolicy trust = options.trust();
        ScanPolicy scan = options.scan();
        return directory.underLock(spec, false, (out, clock, audit, lock) -> {
            InstallOutcome outcome;
            try {
                outcome = new PluginInstaller(trust, scan, clock, audit, accepted).rollback(name, lock);
            } catch (InstallRefusedException e) {
                out.printf(Locale.ROOT, "Rollback of plugin '%s'%nREFUSED, nothing changed:%n  %s%n", name, e.getMessage());
                return ExitStatus.REJECTED;
            }
            out.printf(Locale.ROOT, "Rollback of plugin '%s' to %s (%s)%n", name, outcome.candidate().manifest().version(),
                    outcome.candidate().archive());
            return InstallCommand.report(out, outcome, "ROLLED BACK");
        });
    }
}
