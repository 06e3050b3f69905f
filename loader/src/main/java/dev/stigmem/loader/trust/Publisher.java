package dev.stigmem.loader.trust;

import java.util.Objects;

/**
 * A publisher the operator listed in the trust policy: a signing certificate's fingerprint and the
 * operator's label for it (who it is, or why an override was granted), which is audited with
 * every decision that relies on it. Immutable.
 *
 * @param fingerprint SHA-256 fingerprint of the publisher's signing certificate, canonical form
 * @param label       the operator's label or reason; not blank
 */
public record Publisher(String fingerprint, String label) {
    /** @throws IllegalArgumentException for a malformed fingerprint or a blank label */
    public Publisher {
        fingerprint = Signer.canonicalFingerprint(fingerprint);
        Objects.requireNonNull(label, "label");
        label = label.strip();
        if (label.isEmpty()) {
            throw new IllegalArgumentException("publisher " + fingerprint + " needs a label saying who it is or why it is accepted");
        }
        if (label.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("publisher " + fingerprint + ": label contains control characters");
        }
    }
}
