package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.review.ArchiveFacts;
import dev.stigmem.node.internal.review.ReviewReports;
import dev.stigmem.node.internal.review.UpgradeDiff;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code stigmem review}: the capability reference's operator checklist answered for one archive,
 * from its bytes, without loading it. Exit 0 when the node would accept it (and, with
 * {@code --previous}, the upgrade neither broadens access nor changes signer), 1 otherwise, 2 when
 * an archive or policy cannot be read.
 */
final class ReviewCommand implements Callable<Integer> {

    final CommandSpec spec;
    private final Arg<Path> archive;
    private final Arg<Path> previous;
    private final Arg<Boolean> json;
    private final Arg<Path> sarifFile;
    private final ReviewOptions options;

    ReviewCommand() {
        CommandModel m = new CommandModel("review", this,
                "Answer the operator review checklist for a plugin archive without loading or running it.",
                "The checklist: 1 signer and trust decision; 2 declared capabilities next to those the bytecode uses; "
                        + "3 broad write, tenant, federation, identity or outbound-network access, with the reference's guidance; "
                        + "4 whether it emits audit events for its side effects; 5 with --previous, what changed since the installed version.",
                "Exit 0: the node would load it (and the upgrade needs no acceptance); 1: it would be rejected, or the upgrade "
                        + "broadens access or changes signer; 2: an archive or policy cannot be read. "
                        + "A refused declaration, such as an invalid manifest, is a rejection (exit 1).")
                .footer("%nExample:%n",
                        "  stigmem review plugin-2.jar [--previous plugins/plugin-1.jar] [--trust-policy trust.policy] [--json] [--sarif review.sarif]");
        archive = m.positional(0, "ARCHIVE", Path.class, "The plugin archive: a .jar, a .zip of jars or a directory of jars.");
        previous = m.option("--previous", "OLD", Path.class, "The installed version's archive, to answer item 5.");
        json = m.flag("--json", "Print one JSON document instead of text.");
        sarifFile = m.option("--sarif", "FILE", Path.class,
                "Also write the review's findings as a SARIF 2.1.0 log to FILE (- for standard output, instead of the review):",
                "the scan's findings, the trust rejection, broad access and side effects without audit events, and an upgrade that needs acceptance.");
        options = new ReviewOptions(m);
        spec = m.spec();
    }

    @Override
    public Integer call() {
        Path archive = this.archive.value();
        Path previous = this.previous.value();
        Path sarifFile = this.sarifFile.value();
        TrustPolicy trust = options.trust();
        ScanPolicy scan = options.scan();
        PluginLoader loader = PluginLoader.builder().build();
        Clock clock = Clock.systemUTC();
        ArchiveFacts facts;
        Optional<UpgradeDiff> diff = Optional.empty();
        try {
            facts = ReviewOptions.read(loader, archive, trust, scan, clock);
            if (previous != null) {
                diff = Optional.of(UpgradeDiff.between(ReviewOptions.read(loader, previous, trust, scan, clock), facts));
            }
        } catch (ReviewOptions.UnreadableArchive e) {
            spec.commandLine().getErr().println("stigmem: " + e.getMessage());
            return e.exitStatus();
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean sarifToOut = sarifFile != null && sarifFile.toString().equals("-");
        if (sarifFile != null) {
            String sarif = ReviewReports.reviewSarif(facts, diff);
            if (sarifToOut) {
                out.print(sarif);
            } else {
                Sarif.write(sarifFile, sarif);
            }
        }
        if (!sarifToOut) {
            out.print(json.value() ? ReviewReports.reviewJson(facts, diff) + "\n" : ReviewReports.reviewText(facts, diff));
        }
        out.flush();
        boolean fine = facts.accepted() && diff.map(d -> !d.needsAcceptance()).orElse(true);
        return fine ? ExitStatus.OK : ExitStatus.REJECTED;
    }
}
