package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.review.ReviewReports;
import dev.stigmem.node.internal.review.UpgradeDiff;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code stigmem diff}: what changed between two versions of a plugin archive. Exit 1 when access
 * broadens (new capability, higher impact, new hook) or the signer set changed, else 0; 2 when an
 * archive cannot be read.
 */
final class DiffCommand implements Callable<Integer> {

    final CommandSpec spec;
    private final Arg<Path> before;
    private final Arg<Path> after;
    private final Arg<Boolean> json;
    private final Arg<Path> scanPolicy;

    DiffCommand() {
        CommandModel m = new CommandModel("diff", this,
                "Compare two versions of a plugin archive for re-review on upgrade.",
                "Shows capabilities, highest impact, hooks, dependencies (dependsOn, library jars, requires), signers and scan findings. Nothing is loaded or run.",
                "Exit 0: access does not broaden and the signers are the same; 1: new capability, higher impact, new hook or changed signer set; "
                        + "2: an archive cannot be read (a refused declaration is exit 1).")
                .footer("%nExample:%n", "  stigmem diff plugins/plugin-1.jar plugin-2.jar [--json]");
        before = m.positional(0, "OLD", Path.class, "The installed version's archive.");
        after = m.positional(1, "NEW", Path.class, "The candidate version's archive.");
        json = m.flag("--json", "Print one JSON document instead of text.");
        scanPolicy = m.option("--scan-policy", "FILE", Path.class, "An operator policy file extending the shipped scan policy (the findings compared).");
        spec = m.spec();
    }

    @Override
    public Integer call() {
        Path scanPolicy = this.scanPolicy.value();
        ScanPolicy scan = scanPolicy == null ? ScanPolicy.shipped() : ScanPolicy.shipped().withOperatorPolicy(scanPolicy);
        PluginLoader loader = PluginLoader.builder().build();
        // The diff compares signer sets, not trust decisions, so no trust policy is needed.
        TrustPolicy trust = TrustPolicy.signingRequired();
        UpgradeDiff diff;
        try {
            diff = UpgradeDiff.between(ReviewOptions.read(loader, before.value(), trust, scan, Clock.systemUTC()),
                    ReviewOptions.read(loader, after.value(), trust, scan, Clock.systemUTC()));
        } catch (ReviewOptions.UnreadableArchive e) {
            spec.commandLine().getErr().println("stigmem: " + e.getMessage());
            return e.exitStatus();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json.value() ? ReviewReports.diffJson(diff) + "\n" : ReviewReports.diffText(diff));
        out.flush();
        return diff.needsAcceptance() ? ExitStatus.REJECTED : ExitStatus.OK;
    }
}
