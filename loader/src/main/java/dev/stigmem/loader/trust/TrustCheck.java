package dev.stigmem.loader.trust;

import dev.stigmem.loader.ArchiveCheck;
import dev.stigmem.loader.CheckVerdict;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.internal.trust.TrustVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The trust step of the loading pipeline: verifies the JAR signatures of every jar of the archive's
 * in-memory image (the bytes the layer is built from) and decides by the {@link TrustPolicy}.
 * A {@link TrustDecision.Rejected} rejects the archive; every decision, accepted or not, goes to
 * the listener first, so the node can audit it.
 *
 * <p>Example usage:
 * <pre>{@code
 * PluginLoader loader = PluginLoader.builder()
 *         .check(new TrustCheck(TrustPolicy.read(Path.of("trust.policy")), Clock.systemUTC(), (c, d) -> audit(c, d)))
 *         .build();
 * }</pre>
 */
public final class TrustCheck implements ArchiveCheck {

    /** The name rejections carry. */
    public static final String NAME = "trust";

    private final TrustPolicy policy;
    private final Clock clock;
    private final BiConsumer<PluginCandidate, TrustDecision> listener;

    /**
     * @param policy   who is trusted
     * @param clock    the time certificates are checked at
     * @param listener receives every decision before the verdict is returned; must not throw
     */
    public TrustCheck(TrustPolicy policy, Clock clock, BiConsumer<PluginCandidate, TrustDecision> listener) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public CheckVerdict check(PluginCandidate candidate) {
        TrustDecision decision = TrustVerifier.verify(candidate.image(), policy, clock.instant());
        listener.accept(candidate, decision);
        if (decision instanceof TrustDecision.Rejected r) {
            return CheckVerdict.reject(NAME, r.message());
        }
        return CheckVerdict.accept();
    }

    /**
     * Verifies the candidate's signatures and decides with {@code policy} at {@code now}, without
     * rejecting anything: what {@code stigmem review} and {@code install} report.
     */
    public static TrustDecision decide(PluginCandidate candidate, TrustPolicy policy, Instant now) {
        return TrustVerifier.verify(candidate.image(), Objects.requireNonNull(policy, "policy"),
                Objects.requireNonNull(now, "now"));
    }

    /** Each jar's signature, plugin jar first, with no policy applied: what {@code stigmem diff} compares. */
    public static ArchiveSignature inspect(PluginCandidate candidate) {
        return TrustVerifier.inspect(candidate.image());
    }

    /** One line for operators: the decision and who signed. */
    public static String describe(TrustDecision decision) {
        String signers = decision.signers().isEmpty() ? "unsigned"
                : "signed by " + String.join("; ", decision.signers().stream()
                        .map(s -> s.subject() + " [" + s.fingerprint() + "]").toList());
        return decision.auditValue() + ", " + signers;
    }
}
