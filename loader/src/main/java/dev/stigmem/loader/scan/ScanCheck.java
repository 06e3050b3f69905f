package dev.stigmem.loader.scan;

import dev.stigmem.loader.ArchiveCheck;
import dev.stigmem.loader.CheckVerdict;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.internal.scan.BytecodeScanner;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The bytecode pre-scan as a step of the loading pipeline: scans the archive's in-memory image
 * (the bytes the layer is built from) against the plugin's declared capabilities and the
 * {@link ScanPolicy}. A report with a {@link Severity#DENY} finding rejects the archive, with the
 * report as the reason; every report goes to the listener first.
 *
 * <p>An unreadable class file or an archive over a scan limit throws ({@link ScanInputException},
 * {@link ScanLimitException}); the loader rejects the archive for that too (fail closed).
 */
public final class ScanCheck implements ArchiveCheck {

    /** The name rejections carry. */
    public static final String NAME = "bytecode-scan";

    private final ScanPolicy policy;
    private final BiConsumer<PluginCandidate, ScanReport> listener;

    /**
     * @param policy   the JDK policy (shipped, maybe extended by the operator)
     * @param listener receives every report before the verdict is returned; must not throw
     */
    public ScanCheck(ScanPolicy policy, BiConsumer<PluginCandidate, ScanReport> listener) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Scans one candidate without judging it: what {@code stigmem scan} and review print. */
    public static ScanReport scan(PluginCandidate candidate, ScanPolicy policy) {
        return BytecodeScanner.scan(candidate.image(), candidate.manifest(), policy, candidate.descriptors());
    }

    @Override
    public CheckVerdict check(PluginCandidate candidate) {
        ScanReport report = scan(candidate, policy);
        listener.accept(candidate, report);
        if (report.hasDeny()) {
            return CheckVerdict.reject(NAME, report.toText());
        }
        return CheckVerdict.accept();
    }
}
