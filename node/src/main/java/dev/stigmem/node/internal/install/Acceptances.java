package dev.stigmem.node.internal.install;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator accepted for one install or rollback, each with the reason given on the command
 * line ({@code --accept-broadened REASON}, {@code --accept-signer-change REASON},
 * {@code --accept-downgrade REASON}). A reason is required because it is the audit's answer to
 * "why was this let through": it lands in the install trail with the decision. Immutable.
 *
 * @param broadened    why an upgrade that broadens access (new capability, higher impact, new hook) is accepted
 * @param signerChange why an upgrade signed by another signer set is accepted
 * @param downgrade    why a lower version than the installed one is accepted
 */
public record Acceptances(Optional<String> broadened, Optional<String> signerChange, Optional<String> downgrade) {

    /** The longest reason accepted, in characters. */
    public static final int MAX_REASON = 1_000;

    /** Nothing accepted: every broadening, signer change and downgrade is refused. */
    public static final Acceptances NONE = new Acceptances(Optional.empty(), Optional.empty(), Optional.empty());

    public Acceptances {
        broadened = checked("--accept-broadened", broadened);
        signerChange = checked("--accept-signer-change", signerChange);
        downgrade = checked("--accept-downgrade", downgrade);
    }

    /**
     * The acceptances of a command line, where an absent option is {@code null}.
     *
     * @throws IllegalArgumentException naming the option when a reason is empty, blank, too long or not one line of text
     */
    public static Acceptances of(String broadened, String signerChange, String downgrade) {
        return new Acceptances(Optional.ofNullable(broadened), Optional.ofNullable(signerChange), Optional.ofNullable(downgrade));
    }

    private static Optional<String> checked(String option, Optional<String> reason) {
        Objects.requireNonNull(reason, option);
        if (reason.isEmpty()) {
            return reason;
        }
        String r = reason.get().strip();
        if (r.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a reason: say why you accept it (a ticket, a review),"
                    + " for example " + option + " \"reviewed in OPS-1234\"; the reason is written to the install audit");
        }
        if (r.length() > MAX_REASON) {
            throw new IllegalArgumentException(option + " takes a reason of at most " + MAX_REASON + " characters, not " + r.length());
        }
        if (r.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw new IllegalArgumentException(option + " takes a reason of one line of text, without control or format characters");
        }
        return Optional.of(r);
    }

    /** The reasons given, as install-audit attributes ({@code accept_broadened}, {@code accept_signer_change}, {@code accept_downgrade}). */
    public Map<String, String> auditAttributes() {
        Map<String, String> a = new LinkedHashMap<>();
        broadened.ifPresent(r -> a.put("accept_broadened", r));
        signerChange.ifPresent(r -> a.put("accept_signer_change", r));
        downgrade.ifPresent(r -> a.put("accept_downgrade", r));
        return a;
    }
}
