package dev.stigmem.loader.trust;

/**
 * A plugin archive carries a signature that does not hold: a tampered, unsigned or added entry in
 * a signed jar, entries or jars signed by different signers, a signature block or signature file
 * that does not verify, or stray signature files.
 */
public final class InvalidSignatureException extends TrustException {
    private static final long serialVersionUID = 1L;

    /**
     * @param archive the archive judged
     * @param message the reason, naming the archive and, where there is one, the jar and entry
     */
    public InvalidSignatureException(String archive, String message) {
        super(archive, message, null);
    }
}
