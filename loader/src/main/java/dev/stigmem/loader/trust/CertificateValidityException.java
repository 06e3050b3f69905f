package dev.stigmem.loader.trust;

/**
 * A signer's certificate of a plugin archive is expired or not yet valid, and the policy enforces
 * certificate validity.
 */
public final class CertificateValidityException extends TrustException {
    private static final long serialVersionUID = 1L;

    /**
     * @param archive the archive judged
     * @param message the reason, naming the archive and, where there is one, the jar and entry
     */
    public CertificateValidityException(String archive, String message) {
        super(archive, message, null);
    }
}
