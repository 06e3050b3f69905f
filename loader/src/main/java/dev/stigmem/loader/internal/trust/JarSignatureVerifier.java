package dev.stigmem.loader.internal.trust;

import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.trust.JarSignature;
import dev.stigmem.loader.trust.Signer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Verifies the standard JAR signature of one {@link JarImage}, using the JDK's own verifier.
 *
 * <h2>Why the verified bytes are the loaded bytes</h2>
 * The JDK has no public PKCS#7 parser, but {@link JarFile} opened with {@code verify = true}
 * checks every entry's digest against the manifest, the manifest against each {@code .SF}, and
 * each {@code .SF} against its signature block, as the entry is read to its end, and then reports
 * the entry's {@link CodeSigner}s. So the verifier hands the JDK a jar file and then proves that
 * this file holds exactly the image: the set of entry names {@code JarFile} enumerates equals the
 * image's (no duplicate, missing or extra name), and every entry it reads, to the end, equals the
 * image's bytes for that name. Everything the loader defines or serves comes from the same image
 * (or from a jar file written from it and checked here, see {@link #inspect(JarImage, Path)}),
 * so whatever passes here is exactly what runs. When the verifier writes the file itself, it does
 * so in a fresh directory only this process's user can open (0700) and deletes it afterwards.
 *
 * <h2>Rules (each breach gives {@link JarSignature.Invalid} naming the entry)</h2>
 * <ul>
 *   <li>A jar with no signature-related entry other than a manifest is {@link JarSignature.Unsigned}.</li>
 *   <li>Signature-related names (as the JDK classifies them, ignoring case) must be in canonical
 *       upper case; {@code SIG-*} files, which the JDK does not verify, are refused; every
 *       {@code .SF} pairs with exactly one block and vice versa; at most {@value #MAX_SIGNATURES}
 *       signatures; a signed jar has {@code META-INF/MANIFEST.MF}; every {@code .SF} carries a
 *       SHA-2 digest of the manifest's main attributes (so that the JDK checks them even when the
 *       whole-manifest digest no longer matches).</li>
 *   <li>Every other entry reads without a digest or signature error, is signed, and all carry the
 *       same signer set; the number of distinct signers equals the number of signatures, so no
 *       signature present in the jar is left unverified.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class JarSignatureVerifier {

    /** More signatures than this on one jar is not a publisher's jar; it bounds the work per jar. */
    public static final int MAX_SIGNATURES = 8;

    private static final List<String> MAIN_ATTRIBUTES_DIGESTS = List.of(
            "SHA-256-Digest-Manifest-Main-Attributes",
            "SHA-384-Digest-Manifest-Main-Attributes",
            "SHA-512-Digest-Manifest-Main-Attributes");

    private JarSignatureVerifier() {
    }

    /**
     * Verifies {@code image} by writing it to a private temporary jar file and reading that back
     * through the JDK's verifier.
     *
     * @throws UncheckedIOException when the temporary file cannot be written (an environment
     *                              failure, not a verdict on the jar)
     */
    public static JarSignature inspect(JarImage image) {
        Optional<JarSignature> bySignatureFiles = checkSignatureFiles(image);
        if (bySignatureFiles.isPresent()) {
            return bySignatureFiles.get();
        }
        Path dir = null;
        Path file = null;
        try {
            dir = privateDirectory();
            file = dir.resolve("verify.jar");
            try {
                write(image, file);
            } catch (IllegalArgumentException e) {
                // ZipOutputStream refuses some names (longer than 65535 bytes, say): fail closed.
                return new JarSignature.Invalid(image.name(), Optional.empty(),
                        EscapedText.of("jar cannot be written for verification: " + e.getMessage()));
            }
            return verifyFile(image, file, true);
        } catch (IOException e) {
            throw new UncheckedIOException(String.format(Locale.ROOT,
                    "jar '%s': cannot write a private copy to verify its signature: %s", image.name(), e), e);
        } finally {
            deleteQuietly(file);
            deleteQuietly(dir);
        }
    }

    /**
     * Verifies {@code image} through {@code jarFile}, a jar file the loader wrote from this image
     * and will load from: the signature is checked on that file, and the file is proved to hold
     * exactly the image's entries and bytes. The caller must keep the file where nobody else can
     * change it until it is loaded. An unsigned image's file is checked against the image too, so
     * the answer is {@link JarSignature.Unsigned} only when the file holds exactly that image.
     */
    public static JarSignature inspect(JarImage image, Path jarFile) {
        Optional<JarSignature> bySignatureFiles = checkSignatureFiles(image);
        if (bySignatureFiles.isPresent() && !(bySignatureFiles.get() instanceof JarSignature.Unsigned)) {
            return bySignatureFiles.get();
        }
        return verifyFile(image, jarFile, bySignatureFiles.isEmpty());
    }

    /** The checks on entry names alone; empty when the jar is signed and the JDK must verify it. */
    private static Optional<JarSignature> checkSignatureFiles(JarImage image) {
        String jar = image.name();
        Map<String, String> signatureFiles = new TreeMap<>();
        Map<String, String> blocks = new TreeMap<>();
        boolean manifest = false;
        for (String name : image.entries().keySet()) {
            SignatureFileName kind = SignatureFileName.of(name);
            if (!kind.signingRelated()) {
                continue;
            }
            if (!name.equals(name.toUpperCase(Locale.ENGLISH))) {
                return invalid(jar, name, "entry '%s' is named like a signature file but not in upper case; "
                        + "refused because the JDK matches signature file names ignoring case", name);
            }
            switch (kind) {
                case MANIFEST -> manifest = true;
                case SIGNATURE_FILE -> signatureFiles.put(SignatureFileName.baseName(name), name);
                case SIGNATURE_BLOCK -> {
                    String earlier = blocks.putIfAbsent(SignatureFileName.baseName(name), name);
                    if (earlier != null) {
                        return invalid(jar, name, "signature block '%s' duplicates block '%s' for the same signature file",
                                name, earlier);
                    }
                }
                case RESERVED_SIGNATURE -> {
                    return invalid(jar, name, "entry '%s' is a SIG-* signature the JDK does not verify; refused", name);
                }
                default -> throw new IllegalStateException("unhandled kind " + kind);
            }
        }
        for (var sf : signatureFiles.entrySet()) {
            if (!blocks.containsKey(sf.getKey())) {
                return invalid(jar, sf.getValue(), "signature file '%s' has no signature block (.RSA, .DSA or .EC)",
                        sf.getValue());
            }
        }
        for (var block : blocks.entrySet()) {
            if (!signatureFiles.containsKey(block.getKey())) {
                return invalid(jar, block.getValue(), "signature block '%s' has no signature file (.SF)", block.getValue());
            }
        }
        if (signatureFiles.isEmpty()) {
            return Optional.of(new JarSignature.Unsigned(jar));
        }
        if (signatureFiles.size() > MAX_SIGNATURES) {
            return Optional.of(new JarSignature.Invalid(jar, Optional.empty(), String.format(Locale.ROOT,
                    "%d signatures, more than the %d allowed", signatureFiles.size(), MAX_SIGNATURES)));
        }
        if (!manifest) {
            return invalid(jar, SignatureFileName.MANIFEST_NAME, "signed jar has no %s", SignatureFileName.MANIFEST_NAME);
        }
        Optional<JarSignature> manifestProblem = checkManifest(image);
        if (manifestProblem.isPresent()) {
            return manifestProblem;
        }
        for (String sf : signatureFiles.values()) {
            Manifest parsed;
            try {
                parsed = new Manifest(new ByteArrayInputStream(image.entries().get(sf)));
            } catch (IOException | RuntimeException e) {
                return invalid(jar, sf, "signature file '%s' is malformed: %s", sf, e.getMessage());
            }
            Attributes main = parsed.getMainAttributes();
            if (MAIN_ATTRIBUTES_DIGESTS.stream().noneMatch(a -> main.getValue(a) != null)) {
                return invalid(jar, sf, "signature file '%s' carries no SHA-2 digest of the manifest's main attributes "
                        + "(one of %s)", sf, String.join(", ", MAIN_ATTRIBUTES_DIGESTS));
            }
        }
        return Optional.empty();
    }

    /**
     * A signed jar's manifest must name each entry in one section only (the JDK's digester and
     * {@link Manifest} disagree on which of two same-named sections counts), and every entry it
     * gives a digest for must be present (removing a signed entry, a service file say, changes
     * what the plugin does without touching any other signed byte).
     */
    private static Optional<JarSignature> checkManifest(JarImage image) {
        String jar = image.name();
        String mfName = SignatureFileName.MANIFEST_NAME;
        byte[] bytes = image.entries().get(mfName);
        List<String> names = sectionNames(bytes);
        Set<String> unique = new HashSet<>();
        for (String name : names) {
            if (!unique.add(name)) {
                return invalid(jar, mfName, "%s names entry '%s' in more than one section", mfName, name);
            }
        }
        Manifest manifest;
        try {
            manifest = new Manifest(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return invalid(jar, mfName, "%s is malformed: %s", mfName, e.getMessage());
        }
        for (var section : new TreeMap<>(manifest.getEntries()).entrySet()) {
            boolean digested = section.getValue().keySet().stream()
                    .anyMatch(k -> k.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST"));
            // Directory sections are skipped: images keep no directory entries, and they carry no bytes.
            if (digested && !section.getKey().endsWith("/") && !image.entries().containsKey(section.getKey())) {
                return invalid(jar, section.getKey(), "entry '%s' is signed in %s but missing from the jar",
                        section.getKey(), mfName);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code Name:} of every section after the main one, in order, duplicates kept: manifest
     * syntax (JAR File Specification) with continuation lines joined, as {@link Manifest} reads it.
     */
    static List<String> sectionNames(byte[] manifest) {
        String[] physical = new String(manifest, java.nio.charset.StandardCharsets.UTF_8).split("\r\n|\r|\n", -1);
        List<StringBuilder> logical = new java.util.ArrayList<>();
        for (String line : physical) {
            if (line.startsWith(" ") && !logical.isEmpty() && logical.get(logical.size() - 1).length() > 0) {
                logical.get(logical.size() - 1).append(line, 1, line.length());
            } else {
                logical.add(new StringBuilder(line));
            }
        }
        List<String> names = new java.util.ArrayList<>();
        boolean sectionStart = false;
        for (StringBuilder line : logical) {
            if (line.length() == 0) {
                sectionStart = true;
                continue;
            }
            if (sectionStart && line.length() >= 6 && line.substring(0, 6).equalsIgnoreCase("Name: ")) {
                names.add(line.substring(6));
            }
            sectionStart = false;
        }
        return names;
    }

    /**
     * Reads every entry of {@code file} through the JDK's verifier and compares it with the image;
     * when {@code signed}, also requires every content entry to carry the same signers.
     */
    private static JarSignature verifyFile(JarImage image, Path file, boolean signed) {
        String jar = image.name();
        Map<String, byte[]> expected = image.entries();
        // Base version: each entry is verified under its own name, META-INF/versions/N ones included.
        try (JarFile jf = new JarFile(file.toFile(), true, ZipFile.OPEN_READ, JarFile.baseVersion())) {
            Set<String> seen = new HashSet<>();
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                String name = e.getName();
                if (!seen.add(name)) {
                    return invalid(jar, name, "entry '%s' occurs more than once in the jar file", name).get();
                }
                if (e.isDirectory()) {
                    if (e.getSize() > 0) {
                        return invalid(jar, name, "directory entry '%s' has content", name).get();
                    }
                    continue;
                }
                if (!expected.containsKey(name)) {
                    return invalid(jar, name, "entry '%s' is in the jar file but not in the image", name).get();
                }
            }
            Map<CodeSigner, Signer> identities = new HashMap<>();
            SortedSet<Signer> reference = null;
            String referenceEntry = null;
            for (var entry : expected.entrySet()) {
                String name = entry.getKey();
                JarEntry je = jf.getJarEntry(name);
                if (je == null || je.isDirectory() || !je.getName().equals(name)) {
                    return invalid(jar, name, "entry '%s' is in the image but not in the jar file", name).get();
                }
                try (InputStream in = jf.getInputStream(je)) {
                    if (!sameBytes(in, entry.getValue())) {
                        return invalid(jar, name, "entry '%s' in the jar file differs from the image", name).get();
                    }
                } catch (SecurityException e) {
                    return invalid(jar, name, "entry '%s' fails verification: %s", name, e.getMessage()).get();
                }
                if (!signed || SignatureFileName.of(name).signingRelated()) {
                    continue;
                }
                CodeSigner[] signers = je.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    return invalid(jar, name, "entry '%s' is not signed", name).get();
                }
                SortedSet<Signer> set = new TreeSet<>();
                for (CodeSigner cs : signers) {
                    List<? extends Certificate> chain = cs.getSignerCertPath().getCertificates();
                    if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
                        return invalid(jar, name, "entry '%s' is signed by a signer without an X.509 certificate", name)
                                .get();
                    }
                    // The JDK hands out the same few CodeSigners for every entry; fingerprint each once.
                    set.add(identities.computeIfAbsent(cs, k -> Signer.of(leaf)));
                }
                if (reference == null) {
                    reference = set;
                    referenceEntry = name;
                } else if (!reference.equals(set)) {
                    return invalid(jar, name, "entry '%s' is signed by %s but entry '%s' by %s", name, describe(set),
                            referenceEntry, describe(reference)).get();
                }
            }
            if (!signed) {
                return new JarSignature.Unsigned(jar);
            }
            if (reference == null) {
                return new JarSignature.Invalid(jar, Optional.empty(), "signed jar has no entry to sign");
            }
            long signatures = expected.keySet().stream()
                    .filter(n -> SignatureFileName.of(n) == SignatureFileName.SIGNATURE_FILE).count();
            if (reference.size() != signatures) {
                return new JarSignature.Invalid(jar, Optional.empty(), EscapedText.of(String.format(Locale.ROOT,
                        "jar carries %d signature%s (%s) but its entries carry %d signer%s: a signature present does "
                                + "not cover the jar",
                        signatures, signatures == 1 ? "" : "s",
                        expected.keySet().stream().filter(n -> SignatureFileName.of(n) == SignatureFileName.SIGNATURE_FILE)
                                .collect(Collectors.joining(", ")),
                        reference.size(), reference.size() == 1 ? "" : "s")));
            }
            return new JarSignature.Signed(jar, reference);
        } catch (IOException | RuntimeException e) {
            // Fail closed: any failure to read or verify (corrupt zip, malformed manifest, a
            // signature error raised on open) is a signature that does not hold.
            return new JarSignature.Invalid(jar, Optional.empty(),
                    EscapedText.of(String.format(Locale.ROOT, "cannot verify the jar: %s", e)));
        }
    }

    /**
     * Reads {@code in} to its end (which is when the JDK checks the entry's digest), comparing it
     * with {@code expected} on the way; stops early, without verifying, once they differ.
     */
    private static boolean sameBytes(InputStream in, byte[] expected) throws IOException {
        byte[] buffer = new byte[8192];
        int position = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (n > expected.length - position
                    || !Arrays.equals(buffer, 0, n, expected, position, position + n)) {
                return false;
            }
            position += n;
        }
        return position == expected.length;
    }

    /** Writes the image as a jar: manifest first, then signature files, then the rest, stored uncompressed. */
    static void write(JarImage image, Path file) throws IOException {
        Map<String, byte[]> entries = image.entries();
        List<String> order = new java.util.ArrayList<>(entries.size());
        if (entries.containsKey(SignatureFileName.MANIFEST_NAME)) {
            order.add(SignatureFileName.MANIFEST_NAME);
        }
        entries.keySet().stream().filter(n -> SignatureFileName.of(n).signingRelated() && !order.contains(n))
                .forEach(order::add);
        entries.keySet().stream().filter(n -> !SignatureFileName.of(n).signingRelated()).forEach(order::add);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(out, 1 << 16))) {
            for (String name : order) {
                byte[] bytes = entries.get(name);
                ZipEntry ze = new ZipEntry(name);
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(bytes.length);
                ze.setCompressedSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ze.setCrc(crc.getValue());
                ze.setTime(0L);
                zip.putNextEntry(ze);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
    }

    private static Path privateDirectory() throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory("stigmem-verify-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // Not POSIX (Windows): the default temporary directory is per user.
        return Files.createTempDirectory("stigmem-verify-");
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Nothing to do about it here; the verdict does not depend on the cleanup.
        }
    }

    /** An invalid result whose problem shows names (and the JDK's messages quoting them) with control characters escaped. */
    private static Optional<JarSignature> invalid(String jar, String entry, String format, Object... args) {
        Object[] shown = Arrays.stream(args).map(a -> a instanceof String s ? EscapedText.of(s) : a).toArray();
        return Optional.of(new JarSignature.Invalid(jar, Optional.of(entry), String.format(Locale.ROOT, format, shown)));
    }

    private static String describe(SortedSet<Signer> signers) {
        return signers.stream().map(Signer::describe).collect(Collectors.joining(", ", "[", "]"));
    }
}
