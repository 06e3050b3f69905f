package dev.stigmem.loader.trust;

/**
 * A plugin archive's signatures hold, but the policy does not accept it: unsigned while signing is
 * required, or signed by no publisher the policy lists.
 */
public final class UntrustedPublisherException extends TrustException {
    private static final long serialVersionUID = 1L;

    /**
     * @param archive the archive judged
     * @param message the reason, naming the archive and, where there is one, the jar and entry
     */
    public UntrustedPublisherException(String archive, String message) {
        super(archive, message, null);
    }
}
