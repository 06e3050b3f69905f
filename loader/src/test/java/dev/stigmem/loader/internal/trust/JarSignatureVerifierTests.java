package dev.stigmem.loader.internal.trust;

import static dev.stigmem.loader.internal.trust.TestJars.bytes;
import static dev.stigmem.loader.internal.trust.TestJars.content;
import static dev.stigmem.loader.internal.trust.TestJars.copy;
import static dev.stigmem.loader.internal.trust.TestJars.image;
import static dev.stigmem.loader.internal.trust.TestJars.sign;
import static dev.stigmem.loader.internal.trust.TestJars.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.trust.JarSignature;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarSignatureVerifierTests {

    private static final String PLUGIN_CLASS = "com/acme/plugin/ExamplePlugin.class";
    private static final String VERSIONED_CLASS = "META-INF/versions/17/com/acme/plugin/internal/Rules.class";

    private static Map<String, byte[]> signedByAcme() {
        return sign(content(), SigningKeys.acme(), "ACME");
    }

    private static JarSignature inspect(Map<String, byte[]> entries) {
        return JarSignatureVerifier.inspect(image("plugin.jar", entries));
    }

    private static void assertInvalid(JarSignature result, String entry, String problem) {
        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        var invalid = (JarSignature.Invalid) result;
        assertThat(invalid.jar()).isEqualTo("plugin.jar");
        assertThat(invalid.entry()).as(invalid.problem()).contains(entry);
        assertThat(invalid.problem()).contains(entry).contains(problem);
    }

    @Test
    void jarSignedWithJarSignerIsSignedByItsCertificate() {
        JarSignature result = inspect(signedByAcme());

        assertThat(result).isInstanceOf(JarSignature.Signed.class);
        assertThat(result.signers()).containsExactly(SigningKeys.acme().signer());
        assertThat(result.signers().first().subject()).isEqualTo("CN=Acme Plugins,O=Acme,C=DE");
    }

    @Test
    void signedJarCoversServiceFilesAndMultiReleaseEntries() {
        Map<String, byte[]> signed = signedByAcme();
        assertThat(signed).containsKeys("META-INF/ACME.SF", "META-INF/ACME.EC", VERSIONED_CLASS);

        Map<String, byte[]> versionedTampered = copy(signed);
        versionedTampered.put(VERSIONED_CLASS, bytes("evil", 320));
        Map<String, byte[]> serviceTampered = copy(signed);
        serviceTampered.put("META-INF/services/dev.stigmem.api.Plugin", utf8("com.evil.Plugin\n"));

        assertThat(inspect(signed)).isInstanceOf(JarSignature.Signed.class);
        assertInvalid(inspect(versionedTampered), VERSIONED_CLASS, "digest");
        assertInvalid(inspect(serviceTampered), "META-INF/services/dev.stigmem.api.Plugin", "digest");
    }

    @Test
    void jarWithoutSignatureFilesIsUnsigned() {
        assertThat(inspect(content())).isEqualTo(new JarSignature.Unsigned("plugin.jar"));
    }

    @Test
    void tamperedEntryIsInvalidNamingTheEntry() {
        Map<String, byte[]> tampered = copy(signedByAcme());
        byte[] b = tampered.get(PLUGIN_CLASS).clone();
        b[100] ^= 1;
        tampered.put(PLUGIN_CLASS, b);

        assertInvalid(inspect(tampered), PLUGIN_CLASS, "fails verification");
    }

    @Test
    void addedUnsignedEntryIsInvalid() {
        Map<String, byte[]> added = copy(signedByAcme());
        added.put("com/acme/plugin/Backdoor.class", bytes("Backdoor", 200));

        assertInvalid(inspect(added), "com/acme/plugin/Backdoor.class", "is not signed");
    }

    @Test
    void namesFromTheArchiveAreShownWithControlCharactersEscaped() {
        Map<String, byte[]> added = copy(signedByAcme());
        String forged = "com/acme/x\n2026-01-01 INFO trust_decision=trusted.class";
        added.put(forged, bytes("forged", 10));

        var invalid = (JarSignature.Invalid) inspect(added);

        assertThat(invalid.entry()).contains(forged);
        assertThat(invalid.problem()).doesNotContain("\n")
                .isEqualTo("entry 'com/acme/x\\u000a2026-01-01 INFO trust_decision=trusted.class' is not signed");
    }

    @Test
    void entryAddedWithItsDigestInTheManifestButNotInTheSignatureFileIsInvalid() {
        // Partly signed: the manifest lists the new entry's digest, the signature file does not,
        // so the JDK falls back to per-section digests and the new entry has no signer.
        Map<String, byte[]> partly = copy(signedByAcme());
        byte[] extra = bytes("Extra", 200);
        String section = "Name: com/acme/plugin/Extra.class\r\nSHA-256-Digest: "
                + java.util.Base64.getEncoder().encodeToString(sha256(extra)) + "\r\n\r\n";
        partly.put("META-INF/MANIFEST.MF", concat(partly.get("META-INF/MANIFEST.MF"), utf8(section)));
        partly.put("com/acme/plugin/Extra.class", extra);

        JarSignature result = inspect(partly);

        assertInvalid(result, "com/acme/plugin/Extra.class", "is not signed");
    }

    @Test
    void signedEntryRemovedFromTheJarIsInvalid() {
        Map<String, byte[]> removed = copy(signedByAcme());
        removed.remove("META-INF/services/dev.stigmem.api.Plugin");

        assertInvalid(inspect(removed), "META-INF/services/dev.stigmem.api.Plugin", "missing from the jar");
    }

    @Test
    void signatureOverADifferentManifestIsInvalid() {
        // The publisher signed a jar whose class had other bytes; its manifest and class were
        // swapped in, the signature files kept.
        Map<String, byte[]> original = signedByAcme();
        Map<String, byte[]> otherContent = copy(content());
        otherContent.put(PLUGIN_CLASS, bytes("other build", 610));
        Map<String, byte[]> otherSigned = sign(otherContent, SigningKeys.acme(), "ACME");
        Map<String, byte[]> swapped = copy(original);
        swapped.put("META-INF/MANIFEST.MF", otherSigned.get("META-INF/MANIFEST.MF"));
        swapped.put(PLUGIN_CLASS, otherSigned.get(PLUGIN_CLASS));

        assertThat(inspect(otherSigned)).isInstanceOf(JarSignature.Signed.class);
        // The JDK checks the signature files when the first entry is read, and names the culprit.
        JarSignature result = inspect(swapped);
        assertInvalid(result, "META-INF/ACME.EC", "fails verification");
        assertThat(((JarSignature.Invalid) result).problem()).contains("signature file digest for " + PLUGIN_CLASS);
    }

    @Test
    void changedManifestMainAttributesAreInvalid() {
        Map<String, byte[]> changed = copy(signedByAcme());
        String manifest = new String(changed.get("META-INF/MANIFEST.MF"), StandardCharsets.UTF_8);
        changed.put("META-INF/MANIFEST.MF",
                utf8(manifest.replaceFirst("\r\n", "\r\nAutomatic-Module-Name: evil.module\r\n")));

        JarSignature result = inspect(changed);

        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) result).problem()).containsIgnoringCase("main attributes");
    }

    @Test
    void signatureFileWithoutMainAttributesDigestIsInvalid() {
        // JarSigner always writes the main-attributes digest, so remove it: the block then no
        // longer matches either, but this rule fires first, with its own reason. It is there for
        // signers that never wrote the digest, whose manifest main attributes the JDK leaves
        // unchecked once the whole-manifest digest stops matching.
        Map<String, byte[]> stripped = copy(signedByAcme());
        String sf = new String(stripped.get("META-INF/ACME.SF"), StandardCharsets.UTF_8);
        stripped.put("META-INF/ACME.SF", utf8(sf.replaceFirst("SHA-256-Digest-Manifest-Main-Attributes: [^\\r]*\\r\\n( [^\\r]*\\r\\n)*", "")));
        assertThat(new String(stripped.get("META-INF/ACME.SF"), StandardCharsets.UTF_8)).doesNotContain("Main-Attributes");

        assertInvalid(inspect(stripped), "META-INF/ACME.SF", "no SHA-2 digest of the manifest's main attributes");
    }

    @Test
    void signatureWithSha1DigestsIsInvalid() {
        // Real JarSigner output: only SHA1-Digest-Manifest-Main-Attributes, which the JDK's
        // disabled-algorithm rules skip.
        Map<String, byte[]> sha1 = sign(content(), SigningKeys.acme(), "ACME", Map.of(), "SHA-1", "SHA256withECDSA");

        assertInvalid(inspect(sha1), "META-INF/ACME.SF", "no SHA-2 digest of the manifest's main attributes");
    }

    @Test
    void sectionsOnlySignatureStillCoversMainAttributes() {
        // jarsigner's "sectionsonly" omits the whole-manifest digest but keeps the main-attributes one.
        Map<String, byte[]> sectionsOnly = sign(content(), SigningKeys.acme(), "ACME", Map.of("sectionsonly", "true"));
        Map<String, byte[]> changed = copy(sectionsOnly);
        String manifest = new String(changed.get("META-INF/MANIFEST.MF"), StandardCharsets.UTF_8);
        changed.put("META-INF/MANIFEST.MF", utf8(manifest.replaceFirst("\r\n", "\r\nAdd-Opens: java.base/java.lang\r\n")));

        assertThat(inspect(sectionsOnly)).isInstanceOf(JarSignature.Signed.class);
        assertThat(inspect(changed)).isInstanceOf(JarSignature.Invalid.class);
    }

    @Test
    void signatureBlockNotMadeByTheCertificatesKeyIsInvalid() {
        Map<String, byte[]> forged = sign(content(), SigningKeys.acme().withForeignPrivateKey(), "ACME");

        JarSignature result = inspect(forged);

        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) result).problem()).contains("ACME");
    }

    @Test
    void corruptSignatureBlockIsInvalid() {
        Map<String, byte[]> corrupt = copy(signedByAcme());
        byte[] block = corrupt.get("META-INF/ACME.EC").clone();
        block[block.length - 5] ^= 0x55;
        corrupt.put("META-INF/ACME.EC", block);

        assertThat(inspect(corrupt)).isInstanceOf(JarSignature.Invalid.class);
    }

    @Test
    void jarSignedByTwoPublishersIsSignedByBoth() {
        Map<String, byte[]> twice = sign(signedByAcme(), SigningKeys.other(), "OTHER");

        assertThat(inspect(twice).signers())
                .containsExactlyInAnyOrder(SigningKeys.acme().signer(), SigningKeys.other().signer());
    }

    @Test
    void repackedJarWithEntriesSignedByDifferentSignerSetsIsInvalid() {
        // Someone added a class to Acme's signed jar and signed the result with their own key:
        // Acme's entries carry both signers, the added one only the second.
        Map<String, byte[]> added = copy(signedByAcme());
        added.put("com/acme/plugin/Added.class", bytes("Added", 100));
        Map<String, byte[]> resigned = sign(added, SigningKeys.other(), "OTHER");

        assertInvalid(inspect(resigned), "com/acme/plugin/Added.class", "Other Publisher");
    }

    @Test
    void signatureTheJdkIgnoresIsInvalid() {
        // A co-signature made with SHA1withECDSA: the JDK's jdk.jar.disabledAlgorithms makes it treat
        // that signature as absent, silently, so the entries carry one signer for two signatures.
        Map<String, byte[]> weak = sign(signedByAcme(), SigningKeys.other(), "OTHER", Map.of(), "SHA-256", "SHA1withECDSA");

        JarSignature result = inspect(weak);

        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) result).problem())
                .isEqualTo("jar carries 2 signatures (META-INF/ACME.SF, META-INF/OTHER.SF) but its entries carry "
                        + "1 signer: a signature present does not cover the jar");
    }

    @Test
    void signatureFileWithoutBlockAndBlockWithoutSignatureFileAreInvalid() {
        Map<String, byte[]> straySf = copy(signedByAcme());
        straySf.put("META-INF/STRAY.SF", straySf.get("META-INF/ACME.SF"));
        Map<String, byte[]> strayBlock = copy(signedByAcme());
        strayBlock.put("META-INF/STRAY.RSA", strayBlock.get("META-INF/ACME.EC"));
        Map<String, byte[]> secondBlock = copy(signedByAcme());
        secondBlock.put("META-INF/ACME.RSA", secondBlock.get("META-INF/ACME.EC"));

        assertInvalid(inspect(straySf), "META-INF/STRAY.SF", "has no signature block");
        assertInvalid(inspect(strayBlock), "META-INF/STRAY.RSA", "has no signature file");
        assertInvalid(inspect(secondBlock), "META-INF/ACME.RSA", "duplicates block");
    }

    @Test
    void signatureFileNamesInLowerCaseAreInvalid() {
        Map<String, byte[]> lower = copy(signedByAcme());
        lower.put("meta-inf/acme.sf", lower.remove("META-INF/ACME.SF"));

        assertInvalid(inspect(lower), "meta-inf/acme.sf", "not in upper case");
    }

    @Test
    void reservedSigFileIsInvalid() {
        Map<String, byte[]> sig = copy(signedByAcme());
        sig.put("META-INF/SIG-ACME.ASC", utf8("-----BEGIN PGP SIGNATURE-----"));
        Map<String, byte[]> notReserved = copy(content());
        notReserved.put("META-INF/SIG-NOTES.TEXT", utf8("four-letter extension: not a signature name"));

        assertInvalid(inspect(sig), "META-INF/SIG-ACME.ASC", "SIG-*");
        assertThat(inspect(notReserved)).isInstanceOf(JarSignature.Unsigned.class);
    }

    @Test
    void signedJarWithoutManifestIsInvalid() {
        Map<String, byte[]> noManifest = copy(signedByAcme());
        noManifest.remove("META-INF/MANIFEST.MF");

        assertInvalid(inspect(noManifest), "META-INF/MANIFEST.MF", "no META-INF/MANIFEST.MF");
    }

    @Test
    void manifestNamingAnEntryTwiceIsInvalid() {
        Map<String, byte[]> twice = copy(signedByAcme());
        String manifest = new String(twice.get("META-INF/MANIFEST.MF"), StandardCharsets.UTF_8);
        twice.put("META-INF/MANIFEST.MF", utf8(manifest + "Name: " + PLUGIN_CLASS + "\r\nX-Note: again\r\n\r\n"));

        assertInvalid(inspect(twice), "META-INF/MANIFEST.MF", "more than one section");
    }

    @Test
    void moreSignaturesThanTheLimitAreInvalid() {
        Map<String, byte[]> jar = content();
        for (int i = 0; i <= JarSignatureVerifier.MAX_SIGNATURES; i++) {
            jar = sign(jar, SigningKeys.acme(), "S" + i);
        }
        Map<String, byte[]> atLimit = content();
        for (int i = 0; i < JarSignatureVerifier.MAX_SIGNATURES; i++) {
            atLimit = sign(atLimit, i % 2 == 0 ? SigningKeys.acme() : SigningKeys.other(), "S" + i);
        }

        JarSignature tooMany = inspect(jar);
        assertThat(tooMany).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) tooMany).problem()).contains("9 signatures, more than the 8 allowed");
        // Eight signatures by two keys: within the limit, but two signatures share a signer.
        assertThat(((JarSignature.Invalid) inspect(atLimit)).problem()).contains("does not cover the jar");
    }

    @Test
    void writtenJarFileEqualToTheImageIsVerifiedInPlace(@TempDir Path dir) throws Exception {
        JarImage image = image("plugin.jar", signedByAcme());
        Path file = dir.resolve("plugin.jar");
        JarSignatureVerifier.write(image, file);

        assertThat(JarSignatureVerifier.inspect(image, file)).isEqualTo(JarSignatureVerifier.inspect(image));
        assertThat(JarSignatureVerifier.inspect(image, file)).isInstanceOf(JarSignature.Signed.class);
    }

    @Test
    void writtenJarFileDifferingFromTheImageIsInvalid(@TempDir Path dir) throws Exception {
        Map<String, byte[]> signed = signedByAcme();
        JarImage image = image("plugin.jar", signed);

        Map<String, byte[]> extra = copy(signed);
        extra.put("com/acme/plugin/Extra.class", bytes("Extra", 10));
        Path withExtra = dir.resolve("extra.jar");
        JarSignatureVerifier.write(image("plugin.jar", extra), withExtra);

        Map<String, byte[]> missing = copy(signed);
        missing.remove(PLUGIN_CLASS);
        Path withMissing = dir.resolve("missing.jar");
        Files.write(withMissing, TestJars.zip(missing));

        // Another jar, validly signed by the same publisher, with the same entry names: only the
        // byte comparison tells it from the image.
        Map<String, byte[]> otherContent = copy(content());
        otherContent.put(PLUGIN_CLASS, bytes("another release", 600));
        Path withOtherBytes = dir.resolve("other.jar");
        Files.write(withOtherBytes, TestJars.zip(sign(otherContent, SigningKeys.acme(), "ACME")));

        assertInvalid(JarSignatureVerifier.inspect(image, withExtra), "com/acme/plugin/Extra.class",
                "in the jar file but not in the image");
        assertInvalid(JarSignatureVerifier.inspect(image, withMissing), PLUGIN_CLASS,
                "in the image but not in the jar file");
        assertThat(JarSignatureVerifier.inspect(image("plugin.jar", TestJars.unzip(Files.readAllBytes(withOtherBytes)))))
                .isInstanceOf(JarSignature.Signed.class);
        assertInvalid(JarSignatureVerifier.inspect(image, withOtherBytes), "META-INF/ACME.EC", "differs from the image");
    }

    @Test
    void unsignedImageIsUnsignedOnlyWhenTheWrittenFileHoldsExactlyIt(@TempDir Path dir) throws Exception {
        JarImage image = image("plugin.jar", content());
        Path same = dir.resolve("same.jar");
        JarSignatureVerifier.write(image, same);
        Map<String, byte[]> changed = copy(content());
        changed.put(PLUGIN_CLASS, bytes("swapped", 600));
        Path other = dir.resolve("other.jar");
        Files.write(other, TestJars.zip(changed));

        assertThat(JarSignatureVerifier.inspect(image, same)).isEqualTo(new JarSignature.Unsigned("plugin.jar"));
        assertInvalid(JarSignatureVerifier.inspect(image, other), PLUGIN_CLASS, "differs from the image");
    }

    @Test
    void writtenJarFileWithDuplicateEntriesIsInvalid(@TempDir Path dir) throws Exception {
        // ZipOutputStream refuses duplicate names, so write two distinct names of equal length and
        // rename the second to the first in its local header and in the central directory.
        Map<String, byte[]> signed = signedByAcme();
        Map<String, byte[]> withTwin = copy(signed);
        String twin = PLUGIN_CLASS.replace("ExamplePlugin", "ExamplePlugiX");
        withTwin.put(twin, bytes("evil twin", 600));
        byte[] zip = TestJars.zip(withTwin);
        byte[] twinName = utf8(twin);
        byte[] realName = utf8(PLUGIN_CLASS);
        int replaced = 0;
        for (int i = 0; i + twinName.length <= zip.length; i++) {
            if (java.util.Arrays.equals(zip, i, i + twinName.length, twinName, 0, twinName.length)) {
                System.arraycopy(realName, 0, zip, i, realName.length);
                replaced++;
            }
        }
        assertThat(replaced).isEqualTo(2);
        Path file = dir.resolve("duplicate.jar");
        Files.write(file, zip);

        assertInvalid(JarSignatureVerifier.inspect(image("plugin.jar", signed), file), PLUGIN_CLASS,
                "occurs more than once");
    }

    @Test
    void signedJarWithNothingButItsManifestIsInvalid() {
        Map<String, byte[]> onlyManifest = sign(Map.of("META-INF/MANIFEST.MF", utf8("Manifest-Version: 1.0\r\n\r\n")),
                SigningKeys.acme(), "ACME");

        JarSignature result = inspect(onlyManifest);

        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) result).problem()).isEqualTo("signed jar has no entry to sign");
    }

    @Test
    void writtenJarFileMayHoldEmptyDirectoriesButNoDirectoryWithContent(@TempDir Path dir) throws Exception {
        Map<String, byte[]> signed = signedByAcme();
        JarImage image = image("plugin.jar", signed);
        Map<String, byte[]> withEmptyDir = new java.util.LinkedHashMap<>();
        withEmptyDir.put("com/acme/", new byte[0]);
        withEmptyDir.putAll(signed);
        Map<String, byte[]> withFullDir = new java.util.LinkedHashMap<>();
        withFullDir.put("com/acme/", bytes("hidden", 40));
        withFullDir.putAll(signed);
        Path emptyDir = dir.resolve("empty-dir.jar");
        Files.write(emptyDir, TestJars.zip(withEmptyDir));
        Path fullDir = dir.resolve("full-dir.jar");
        Files.write(fullDir, TestJars.zip(withFullDir));

        assertThat(JarSignatureVerifier.inspect(image, emptyDir)).isInstanceOf(JarSignature.Signed.class);
        assertInvalid(JarSignatureVerifier.inspect(image, fullDir), "com/acme/", "directory entry 'com/acme/' has content");
    }

    @Test
    void writtenJarFileThatIsNoZipIsInvalid(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.jar");
        Files.write(garbage, bytes("not a zip", 1000));

        JarSignature result = JarSignatureVerifier.inspect(image("plugin.jar", signedByAcme()), garbage);

        assertThat(result).isInstanceOf(JarSignature.Invalid.class);
        assertThat(((JarSignature.Invalid) result).problem()).startsWith("cannot verify the jar: java.util.zip.ZipException");
    }

    @Test
    void sectionNamesJoinContinuationLinesAndKeepDuplicates() {
        String manifest = "Manifest-Version: 1.0\r\nName: not/a/section\r\n\r\nName: com/acme/very/long/Na\r\n me.class\r\n"
                + "SHA-256-Digest: x\r\n\r\nname: a.txt\r\n\r\nName: a.txt\r\n";

        assertThat(JarSignatureVerifier.sectionNames(utf8(manifest)))
                .containsExactly("com/acme/very/long/Name.class", "a.txt", "a.txt");
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

}
