package dev.stigmem.loader.internal.trust;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.stigmem.loader.trust.Signer;

/**
 * Signing keys with self-signed certificates, made at test time by the test JDK's own
 * {@code keytool -genkeypair} into a temporary PKCS12 keystore (the JDK has no public API that
 * creates certificates). One keytool run per alias per test JVM; nothing is committed.
 */
final class SigningKeys {

    /** A private key with its certificate chain. */
    record Key(String alias, PrivateKey privateKey, CertPath certPath) {
        X509Certificate certificate() {
            return (X509Certificate) certPath.getCertificates().get(0);
        }

        Signer signer() {
            return Signer.of(certificate());
        }

        /** The same certificate with a different, freshly generated private key: signatures will not verify. */
        Key withForeignPrivateKey() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return new Key(alias, generator.generateKeyPair().getPrivate(), certPath);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final char[] PASSWORD = "test-only-password".toCharArray();
    private static final Map<String, Key> KEYS = new ConcurrentHashMap<>();
    private static Path keystore;

    private SigningKeys() {
    }

    /** A publisher's key, valid from yesterday for ten years. */
    static Key acme() {
        return key("acme", "CN=Acme Plugins,O=Acme,C=DE", "-1d", 3650);
    }

    /** Another publisher's key, valid from yesterday for ten years. */
    static Key other() {
        return key("other", "CN=Other Publisher,O=Other,C=FR", "-1d", 3650);
    }

    /** A key whose certificate was valid for 10 days, ending 20 days ago. */
    static Key expired() {
        return key("expired", "CN=Expired Publisher,O=Acme,C=DE", "-30d", 10);
    }

    /** A key whose certificate becomes valid in 10 days. */
    static Key notYetValid() {
        return key("future", "CN=Future Publisher,O=Acme,C=DE", "+10d", 30);
    }

    private static synchronized Key key(String alias, String dname, String startDate, int validityDays) {
        Key existing = KEYS.get(alias);
        if (existing != null) {
            return existing;
        }
        try {
            if (keystore == null) {
                Path dir = Files.createTempDirectory("stigmem-test-keys-");
                keystore = dir.resolve("keys.p12");
                // The directory registered first: the JDK deletes in the reverse order, so the keystore goes before it.
                dir.toFile().deleteOnExit();
                keystore.toFile().deleteOnExit();
            }
            keytool("-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD),
                    "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", dname, "-startdate", startDate, "-validity", Integer.toString(validityDays));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, PASSWORD);
            }
            PrivateKey privateKey = (PrivateKey) store.getKey(alias, PASSWORD);
            Certificate[] chain = store.getCertificateChain(alias);
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain));
            Key key = new Key(alias, privateKey, path);
            KEYS.put(alias, key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        var command = new java.util.ArrayList<String>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + command + "\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
