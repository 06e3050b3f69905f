package dev.stigmem.loader.internal.trust;

import java.util.Locale;

/**
 * How the JDK's jar verifier classifies an entry name, reproduced so that the loader agrees with
 * it exactly: {@code sun.security.util.SignatureFileVerifier.isSigningRelated} and
 * {@code isBlockOrSF} (JDK 17 and 25). The JDK compares these names after
 * {@code toUpperCase(Locale.ENGLISH)}, so {@code meta-inf/a.sf} counts as a signature file; the
 * loader refuses such names rather than reason about case-folded twins.
 */
enum SignatureFileName {
    /** {@code META-INF/MANIFEST.MF}. */
    MANIFEST,
    /** {@code META-INF/*.SF}: digests of the manifest and its sections. */
    SIGNATURE_FILE,
    /** {@code META-INF/*.RSA}, {@code *.DSA}, {@code *.EC}: the PKCS#7 block signing a {@code .SF}. */
    SIGNATURE_BLOCK,
    /** {@code META-INF/SIG-*}: reserved for signatures the JDK does not verify. */
    RESERVED_SIGNATURE,
    /** Anything else: content that must be signed. */
    CONTENT;

    static final String MANIFEST_NAME = "META-INF/MANIFEST.MF";

    static SignatureFileName of(String entryName) {
        String upper = entryName.toUpperCase(Locale.ENGLISH);
        if (!upper.startsWith("META-INF/")) {
            return CONTENT;
        }
        String file = upper.substring("META-INF/".length());
        if (file.indexOf('/') >= 0) {
            return CONTENT;
        }
        if (file.equals("MANIFEST.MF")) {
            return MANIFEST;
        }
        if (file.endsWith(".SF")) {
            return SIGNATURE_FILE;
        }
        if (file.endsWith(".RSA") || file.endsWith(".DSA") || file.endsWith(".EC")) {
            return SIGNATURE_BLOCK;
        }
        if (file.startsWith("SIG-") && reservedExtension(file)) {
            return RESERVED_SIGNATURE;
        }
        return CONTENT;
    }

    /** The JDK accepts {@code SIG-*} with no extension or one of 1 to 3 characters A-Z, 0-9. */
    private static boolean reservedExtension(String upperFile) {
        int dot = upperFile.lastIndexOf('.');
        if (dot < 0) {
            return true;
        }
        String ext = upperFile.substring(dot + 1);
        if (ext.isEmpty() || ext.length() > 3) {
            return false;
        }
        return ext.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9');
    }

    /** Whether the JDK's verifier gives entries of this kind no code signers (they are the signature). */
    boolean signingRelated() {
        return this != CONTENT;
    }

    /** For a signature file or block: the name without its extension, which pairs the two. */
    static String baseName(String entryName) {
        return entryName.substring(0, entryName.lastIndexOf('.'));
    }
}
