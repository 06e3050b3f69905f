package dev.stigmem.node.internal.cli;

import dev.stigmem.api.Plugin;
import dev.stigmem.loader.trust.Signer;
import jdk.security.jarsigner.JarSigner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Real plugin jars for the operator command tests: versions of one plugin compiled by javac against
 * the api at test time, signed with {@link JarSigner} and keys made by the test JDK's keytool.
 * (A small copy of the loader tests' helpers; node tests do not depend on loader test classes.)
 * {@link #compile} is also how other node tests build the plugins they load through a real node.
 */
public final class PluginJars {

    /** A signing key and its certificate chain. */
    record Key(PrivateKey privateKey, CertPath certPath) {
        Signer signer() {
            return Signer.of((X509Certificate) certPath.getCertificates().get(0));
        }
    }

    private static final char[] PASSWORD = "test-only-password".toCharArray();
    private static final Map<String, Key> KEYS = new ConcurrentHashMap<>();
    private static Path keystore;

    private PluginJars() {
    }

    /**
     * Compiles a plain-jar plugin {@code notes} whose entry class {@code com.example.notes.Notes}
     * extends an abstract base class of the archive, so its hooks are found through a superclass.
     *
     * @param capabilities  declared capability ids
     * @param baseHooks     hook handler interfaces (simple names in dev.stigmem.api.hook) the base class implements
     * @param entryHooks    hook handler interfaces the entry class implements itself
     * @param startBody     the body of {@code start(PluginContext context)}
     */
    static Path notes(Path dir, String jarName, String version, List<String> capabilities, List<String> baseHooks,
                      List<String> entryHooks, String startBody) {
        String manifest = "@dev.stigmem.api.StigmemPlugin(name = \"notes\", version = \"" + version
                + "\", requires = \">=0.9.0\", capabilities = {" + String.join(", ", capabilities.stream().map(c -> "\"" + c + "\"").toList()) + "})";
        StringBuilder base = new StringBuilder("package com.example.notes;\nimport dev.stigmem.api.*;\nimport dev.stigmem.api.hook.*;\n"
                + "public abstract class Base implements Plugin" + implementsList(baseHooks) + " {\n");
        StringBuilder entry = new StringBuilder("package com.example.notes;\nimport dev.stigmem.api.*;\nimport dev.stigmem.api.hook.*;\n"
                + manifest + "\npublic final class Notes extends Base" + (entryHooks.isEmpty() ? "" : " implements " + String.join(", ", entryHooks))
                + " {\n  @Override public void start(PluginContext context) {\n" + startBody + "\n  }\n");
        for (String h : baseHooks) {
            base.append(handlerMethod(h));
        }
        for (String h : entryHooks) {
            entry.append(handlerMethod(h));
        }
        return compile(dir, jarName, Map.of("com/example/notes/Base.java", base.append("}\n").toString(),
                "com/example/notes/Notes.java", entry.append("}\n").toString()), "com.example.notes.Notes");
    }

    private static String implementsList(List<String> hooks) {
        return hooks.isEmpty() ? "" : ", " + String.join(", ", hooks);
    }

    private static String handlerMethod(String hook) {
        return switch (hook) {
            case "PreAssertAuthorize" -> "  @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest p) { return Vote.allow(); }\n";
            case "PostAssertPersist" -> "  @Override public void postAssertPersist(PluginContext c, FactEvent p) { }\n";
            default -> throw new IllegalArgumentException("no handler method for " + hook);
        };
    }

    /** A plugin whose manifest is invalid (an upper-case name with a space): its declaration is refused. */
    static Path invalidManifest(Path dir, String jarName) {
        return compile(dir, jarName, Map.of("com/example/bad/Bad.java", "package com.example.bad;\n"
                + "@dev.stigmem.api.StigmemPlugin(name = \"Bad Name\", version = \"1.0.0\", requires = \">=0.9.0\")\n"
                + "public final class Bad implements dev.stigmem.api.Plugin {}\n"), "com.example.bad.Bad");
    }

    /** Compiles sources against the api into a plain jar publishing {@code entryClass} as a service. */
    public static Path compile(Path dir, String jarName, Map<String, String> sources, String entryClass) {
        return compile(dir, jarName, sources, entryClass, List.of());
    }

    /** Compiles sources against the api and {@code libraries} (which the jar does not hold). */
    public static Path compile(Path dir, String jarName, Map<String, String> sources, String entryClass, List<Path> libraries) {
        try {
            Path work = Files.createTempDirectory("stigmem-javac-");
            Path out = work.resolve("out");
            List<String> cp = new ArrayList<>(List.of(apiLocation().toString()));
            libraries.forEach(l -> cp.add(l.toString()));
            javac(work.resolve("src"), out, sources, List.of("-classpath", String.join(java.io.File.pathSeparator, cp)));
            Path jar = dir.resolve(jarName);
            try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(o)) {
                try (Stream<Path> walk = Files.walk(out)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        zip.putNextEntry(new ZipEntry(out.relativize(p).toString().replace('\\', '/')));
                        zip.write(Files.readAllBytes(p));
                        zip.closeEntry();
                    }
                }
                zip.putNextEntry(new ZipEntry("META-INF/services/dev.stigmem.api.Plugin"));
                zip.write((entryClass + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs {@code jar} in place. */
    /**
     * Writes {@code sources} (relative path to text) under {@code srcDir} and compiles them with javac for
     * release 17 into {@code out}, with {@code options} besides; javac's messages in the exception when it fails.
     */
    static void javac(Path srcDir, Path out, Map<String, String> sources, List<String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", out.toString()));
        args.addAll(options);
        for (var e : sources.entrySet()) {
            Path f = srcDir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(ps, ps, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed for " + sources.keySet() + ":\n" + err.toString(StandardCharsets.UTF_8));
        }
    }

    static Path sign(Path jar, Key key) {
        try {
            JarSigner signer = new JarSigner.Builder(key.privateKey(), key.certPath())
                    .signerName("SIGNER").digestAlgorithm("SHA-256").signatureAlgorithm("SHA256withECDSA").build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipFile zf = new ZipFile(jar.toFile())) {
                signer.sign(zf, out);
            }
            Files.write(jar, out.toByteArray());
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trust policy file trusting {@code keys}. */
    static Path trusting(Path dir, Key... keys) {
        StringBuilder b = new StringBuilder();
        for (Key k : keys) {
            b.append("trusted-publisher = ").append(k.signer().fingerprint()).append(" @ ").append(k.signer().subject()).append('\n');
        }
        try {
            return Files.writeString(dir.resolve("trust.policy"), b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A trust policy file in unsigned development mode. */
    static Path development(Path dir) {
        try {
            return Files.writeString(dir.resolve("development.policy"), "development-unsigned = i-accept-unsigned-plugins-from-anyone\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Key acme() {
        return key("acme", "CN=Acme Plugins,O=Acme,C=DE");
    }

    static Key other() {
        return key("other", "CN=Other Publisher,O=Other,C=FR");
    }

    private static synchronized Key key(String alias, String dname) {
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
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-alias", alias,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", dname,
                    "-startdate", "-1d", "-validity", "3650");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, PASSWORD);
            }
            Key key = new Key((PrivateKey) store.getKey(alias, PASSWORD), CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(store.getCertificateChain(alias))));
            KEYS.put(alias, key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path apiLocation() {
        try {
            return Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
