package dev.stigmem.loader.trust;

import dev.stigmem.loader.internal.trust.EscapedText;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

import javax.security.auth.x500.X500Principal;

/**
 * A signer of plugin jars, identified by its signing (leaf) certificate.
 *
 * <p>Identity is the SHA-256 fingerprint of the certificate's DER encoding, written as keytool
 * prints it ({@code keytool -list -v}: 32 upper-case hex pairs separated by colons), so an
 * operator can paste it into the trust policy. The subject and validity period are for display
 * and for the certificate-validity rule; nothing in them is trusted for identity, since any
 * self-signed certificate can claim any subject. Immutable.
 *
 * @param fingerprint SHA-256 fingerprint of the certificate, canonical form (see {@link #canonicalFingerprint})
 * @param subject     the certificate's subject distinguished name (RFC 2253), for display only
 * @param notBefore   start of the certificate's validity period
 * @param notAfter    end of the certificate's validity period
 */
public record Signer(String fingerprint, String subject, Instant notBefore, Instant notAfter)
        implements Comparable<Signer> {

    private static final HexFormat FINGERPRINT_FORMAT = HexFormat.ofDelimiter(":").withUpperCase();

    /**
     * @throws IllegalArgumentException when {@code fingerprint} is not a SHA-256 fingerprint or
     *                                  the validity period ends before it starts
     */
    public Signer {
        fingerprint = canonicalFingerprint(fingerprint);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (notAfter.isBefore(notBefore)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "signer %s: validity ends (%s) before it starts (%s)", fingerprint, notAfter, notBefore));
        }
    }

    /** The signer whose leaf certificate is {@code certificate}. */
    public static Signer of(X509Certificate certificate) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("signer certificate cannot be encoded: " + e.getMessage(), e);
        }
        return new Signer(FINGERPRINT_FORMAT.formatHex(sha256(der)),
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    /**
     * Parses a SHA-256 fingerprint as operators write it: 64 hex digits, either case, with or
     * without a colon between each pair (an optional {@code SHA256:} or {@code SHA-256:} prefix,
     * as keytool prints it, is accepted).
     *
     * @return the canonical form: upper-case pairs separated by colons
     * @throws IllegalArgumentException when {@code text} is anything else
     */
    public static String canonicalFingerprint(String text) {
        Objects.requireNonNull(text, "fingerprint");
        String t = text.strip();
        String upper = t.toUpperCase(Locale.ROOT);
        if (upper.startsWith("SHA256:")) {
            t = t.substring("SHA256:".length()).strip();
        } else if (upper.startsWith("SHA-256:")) {
            t = t.substring("SHA-256:".length()).strip();
        }
        String digits;
        if (t.length() == 95) {
            for (int i = 2; i < 95; i += 3) {
                if (t.charAt(i) != ':') {
                    throw notAFingerprint(text);
                }
            }
            digits = t.replace(":", "");
        } else {
            digits = t;
        }
        if (digits.length() != 64) {
            throw notAFingerprint(text);
        }
        for (int i = 0; i < 64; i++) {
            char c = digits.charAt(i);
            // ASCII only: Character.digit would also accept other scripts' digits.
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw notAFingerprint(text);
            }
        }
        return FINGERPRINT_FORMAT.formatHex(HexFormat.of().parseHex(digits));
    }

    private static IllegalArgumentException notAFingerprint(String text) {
        String stripped = text.strip();
        String shown = stripped.length() > 120 ? stripped.substring(0, 120) + "..." : stripped;
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "'%s' is not a SHA-256 certificate fingerprint (64 hex digits, pairs optionally separated by ':')",
                shown));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /** Whether {@code instant} lies within the certificate's validity period (both ends inclusive). */
    public boolean validAt(Instant instant) {
        return !instant.isBefore(notBefore) && !instant.isAfter(notAfter);
    }

    /** Orders by fingerprint, the identity, so signer sets iterate deterministically. */
    @Override
    public int compareTo(Signer other) {
        return fingerprint.compareTo(other.fingerprint);
    }

    /** {@code subject [SHA-256 fingerprint]}: what messages and reports show (control characters escaped). */
    public String describe() {
        return EscapedText.of(subject) + " [SHA-256 " + fingerprint + "]";
    }
}
