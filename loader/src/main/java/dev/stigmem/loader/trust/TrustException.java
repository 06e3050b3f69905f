package dev.stigmem.loader.trust;

import java.util.Objects;

/**
 * A plugin archive is not accepted by the trust policy, or the policy itself cannot be read. One
 * subclass per failure category:
 * <ul>
 *   <li>{@link InvalidSignatureException}: a signature is present but does not hold (tampered,
 *       partly signed, mixed signers, a signature block that does not verify);</li>
 *   <li>{@link UntrustedPublisherException}: intact, but unsigned where signing is required, or
 *       signed by a publisher the policy does not list;</li>
 *   <li>{@link CertificateValidityException}: a signer's certificate is expired or not yet valid;</li>
 *   <li>{@link TrustPolicyException}: the operator's policy file is unreadable or malformed.</li>
 * </ul>
 */
public abstract sealed class TrustException extends RuntimeException
        permits InvalidSignatureException, UntrustedPublisherException, CertificateValidityException,
        TrustPolicyException {
    private static final long serialVersionUID = 1L;

    private final String subject;

    TrustException(String subject, String message, Throwable cause) {
        super(message, cause);
        this.subject = Objects.requireNonNull(subject, "subject");
    }

    /** What was judged: the archive (or for a policy error, the policy file). */
    public String subject() {
        return subject;
    }
}
