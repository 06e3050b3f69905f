package dev.stigmem.bench;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.trust.TrustVerifier;
import dev.stigmem.loader.trust.Signer;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import jdk.security.jarsigner.JarSigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of verifying a plugin archive's JAR signature and deciding trust: a single jar of
 * {@code entries} random 2 KiB entries, signed at setup by {@link JarSigner} with a key keytool
 * made, through {@link TrustVerifier#verify}, which writes the private copy, reads every entry
 * through the JDK's verifier and compares it with the image.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrustVerifierBenchmark {

    @Param({"100", "1000"})
    public int entries;

    private ArchiveImage archive;
    private TrustPolicy policy;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("stigmem-bench-keys-");
        Path keystore = dir.resolve("keys.p12");
        char[] password = "bench-only".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(password), "-keypass", new String(password), "-alias", "bench",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Bench Publisher", "-validity", "30")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        PrivateKey key = (PrivateKey) store.getKey("bench", password);
        CertPath chain = CertificateFactory.getInstance("X.509")
                .generateCertPath(Arrays.asList(store.getCertificateChain("bench")));

        Path unsigned = dir.resolve("unsigned.jar");
        Random random = new Random(42);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(unsigned))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < entries; i++) {
                byte[] b = new byte[2048];
                random.nextBytes(b);
                zip.putNextEntry(new ZipEntry("com/bench/p" + (i % 20) + "/C" + i + ".class"));
                zip.write(b);
            }
        }
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        try (ZipFile zf = new ZipFile(unsigned.toFile())) {
            new JarSigner.Builder(key, chain).signerName("BENCH").build().sign(zf, signed);
        }
        TreeMap<String, byte[]> image = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(signed.toByteArray()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                image.put(e.getName(), in.readAllBytes());
            }
        }
        archive = new ArchiveImage(Path.of("bench.jar"), new JarImage("bench.jar", image), List.of());
        policy = TrustPolicy.builder()
                .trustedPublisher(Signer.of((X509Certificate) chain.getCertificates().get(0)).fingerprint(), "bench")
                .build();
        Files.delete(unsigned);
        Files.delete(keystore);
        Files.delete(dir);
        if (!(TrustVerifier.verify(archive, policy) instanceof TrustDecision.Trusted)) {
            throw new IllegalStateException("benchmark archive is not trusted: " + TrustVerifier.verify(archive, policy));
        }
    }

    @Benchmark
    public TrustDecision verifySignedArchive() {
        return TrustVerifier.verify(archive, policy);
    }
}
