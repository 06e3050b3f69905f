package dev.stigmem.loader.internal.trust;

import dev.stigmem.loader.internal.archive.JarImage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import jdk.security.jarsigner.JarSigner;

/** Builds jars and signs them for real with {@link JarSigner}, as a publisher would. */
final class TestJars {

    private TestJars() {
    }

    /** A small plugin-like jar: classes in two packages, a service file and a multi-release entry. */
    static Map<String, byte[]> content() {
        var entries = new LinkedHashMap<String, byte[]>();
        entries.put("META-INF/MANIFEST.MF", utf8("Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n"));
        entries.put("com/acme/plugin/ExamplePlugin.class", bytes("ExamplePlugin", 600));
        entries.put("com/acme/plugin/internal/Rules.class", bytes("Rules", 300));
        entries.put("META-INF/services/dev.stigmem.api.Plugin", utf8("com.acme.plugin.ExamplePlugin\n"));
        entries.put("META-INF/versions/17/com/acme/plugin/internal/Rules.class", bytes("Rules17", 320));
        return entries;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Deterministic filler bytes standing in for a class file; the signature does not care what they mean. */
    static byte[] bytes(String seed, int length) {
        byte[] b = new byte[length];
        int h = seed.hashCode();
        for (int i = 0; i < length; i++) {
            h = h * 31 + i;
            b[i] = (byte) (h >>> 13);
        }
        return b;
    }

    /** The bytes of a jar holding {@code entries} in the given order. */
    static byte[] zip(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Signs {@code entries} as a jar with {@code key}, under signature file name {@code signerName}. */
    static Map<String, byte[]> sign(Map<String, byte[]> entries, SigningKeys.Key key, String signerName) {
        return sign(entries, key, signerName, Map.of());
    }

    /** As {@link #sign(Map, SigningKeys.Key, String)}, with {@link JarSigner.Builder#setProperty} properties. */
    static Map<String, byte[]> sign(Map<String, byte[]> entries, SigningKeys.Key key, String signerName,
                                    Map<String, String> properties) {
        return sign(entries, key, signerName, properties, "SHA-256", "SHA256withECDSA");
    }

    /** As {@link #sign(Map, SigningKeys.Key, String, Map)}, with the digest and signature algorithms given. */
    static Map<String, byte[]> sign(Map<String, byte[]> entries, SigningKeys.Key key, String signerName,
                                    Map<String, String> properties, String digestAlgorithm, String signatureAlgorithm) {
        try {
            Path unsigned = Files.createTempFile("stigmem-test-unsigned-", ".jar");
            try {
                Files.write(unsigned, zip(entries));
                var builder = new JarSigner.Builder(key.privateKey(), key.certPath())
                        .signerName(signerName)
                        .digestAlgorithm(digestAlgorithm)
                        .signatureAlgorithm(signatureAlgorithm);
                properties.forEach(builder::setProperty);
                JarSigner signer = builder.build();
                var out = new ByteArrayOutputStream();
                try (ZipFile zf = new ZipFile(unsigned.toFile())) {
                    signer.sign(zf, out);
                }
                return unzip(out.toByteArray());
            } finally {
                Files.deleteIfExists(unsigned);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries of a jar, in jar order, directories left out (as the archive reader does). */
    static Map<String, byte[]> unzip(byte[] jar) {
        var entries = new LinkedHashMap<String, byte[]>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                if (!e.isDirectory() && entries.put(e.getName(), b) != null) {
                    throw new IllegalStateException("duplicate entry " + e.getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    static JarImage image(String name, Map<String, byte[]> entries) {
        return new JarImage(name, new TreeMap<>(entries));
    }

    /** A modifiable copy, to tamper with. */
    static Map<String, byte[]> copy(Map<String, byte[]> entries) {
        return new LinkedHashMap<>(entries);
    }

    static void write(Path file, byte[] bytes) {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
