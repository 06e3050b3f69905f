package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.review.ArchiveFacts;

import java.nio.file.Path;
import java.time.Clock;

/** The policy options review, diff and install share, and how they read an archive. */
final class ReviewOptions {

    private final Arg<Path> trustPolicy;
    private final Arg<Path> scanPolicy;

    /** Adds the options to {@code command}'s model. */
    ReviewOptions(CommandModel command) {
        trustPolicy = command.option("--trust-policy", "FILE", Path.class,
                "The node's trust policy (trusted and override publishers, development mode); default: signing required, nobody trusted.");
        scanPolicy = command.option("--scan-policy", "FILE", Path.class, "An operator policy file extending the shipped scan policy.");
    }

    TrustPolicy trust() {
        return trustPolicy.value() == null ? TrustPolicy.signingRequired() : TrustPolicy.read(trustPolicy.value());
    }

    ScanPolicy scan() {
        return scanPolicy.value() == null ? ScanPolicy.shipped() : ScanPolicy.shipped().withOperatorPolicy(scanPolicy.value());
    }

    /**
     * An archive that cannot be reviewed: the command exits 2 with this message when it cannot be
     * read, 1 when it was read but its declaration is refused (as {@code stigmem scan} does).
     */
    static final class UnreadableArchive extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean refused;

        UnreadableArchive(String message, boolean refused, Throwable cause) {
            super(message, cause);
            this.refused = refused;
        }

        /** The exit status: 1 for a refused declaration, 2 for an unreadable archive. */
        int exitStatus() {
            return refused ? ExitStatus.REJECTED : ExitStatus.USAGE_OR_INPUT;
        }
    }

    /**
     * Reads an archive with both policies, never loading it.
     *
     * @throws UnreadableArchive naming the archive, when it is missing, corrupt, unsafe, over a bound,
     *                           has a refused declaration or a class file the scanner cannot read
     */
    static ArchiveFacts read(PluginLoader loader, Path archive, TrustPolicy trust, ScanPolicy scan, Clock clock)
            throws UnreadableArchive {
        try {
            return ArchiveFacts.read(loader, archive, trust, scan, clock.instant());
        } catch (PluginLoadException | ScanException e) {
            String m = e.getMessage();
            throw new UnreadableArchive(m.contains(archive.toString()) ? m : archive + ": " + m,
                    e instanceof PluginDeclarationException, e);
        }
    }
}
