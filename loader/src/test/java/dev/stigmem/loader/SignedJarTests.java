package dev.stigmem.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.stigmem.loader.JavacJar.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The layer is built from the loader's rewrite of the verified image; a signed jar must come out
 * of that rewrite still verifiable, and an altered one must not load.
 */
class SignedJarTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;

    Path signed() throws Exception {
        Path jar = JavacJar.explicitPlugin("signed.jar", "signedplugin", "signedplugin", manifest("signed-one"), "").writeTo(tmp);
        Path keystore = tmp.resolve("ks.p12");
        run("keytool", "-genkeypair", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit",
                "-alias", "publisher", "-keyalg", "EC", "-dname", "CN=Example Publisher", "-validity", "2");
        run("jarsigner", "-keystore", keystore.toString(), "-storepass", "changeit", jar.toString(), "publisher");
        return jar;
    }

    @Test
    void signedJarLoadsFromTheRewrittenCopyWithItsSignatureIntact() throws Exception {
        // Module class loaders do not hand code signers to classes (JEP 261), but the JarFile under
        // the layer still verifies every entry it reads: the altered-jar test below proves it.
        try (LoadedPlugin p = PluginLoader.builder().workDirectory(work).build().load(signed())) {
            Module m = p.plugin().getClass().getModule();
            try (var sf = m.getResourceAsStream("META-INF/PUBLISHE.SF")) {
                assertThat(sf).as("signature file in the loaded module").isNotNull();
                assertThat(new String(sf.readAllBytes(), StandardCharsets.UTF_8)).contains("Name: signedplugin/Entry.class");
            }
        }
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void signedJarAlteredAfterSigningDoesNotLoad() throws Exception {
        Path jar = signed();
        Path altered = tmp.resolve("altered.jar");
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream o = Files.newOutputStream(altered);
             ZipOutputStream out = new ZipOutputStream(o)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("signedplugin/Entry.class")) {
                    // Same class, one constant changed: still a valid class file, no longer the signed bytes.
                    bytes = ArchiveBytes.replace(bytes, "signed-one", "signed-two");
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> PluginLoader.builder().workDirectory(work).build().load(altered))
                .isInstanceOf(PluginInstantiationException.class)
                .hasMessageContaining("digest error");
        assertThat(work).isEmptyDirectory();
    }

    private static void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(tool + " failed: " + out);
        }
    }

    /** Byte-level replace of a same-length ASCII string. */
    static final class ArchiveBytes {
        private ArchiveBytes() {
        }

        static byte[] replace(byte[] data, String from, String to) {
            byte[] f = from.getBytes(StandardCharsets.US_ASCII);
            byte[] t = to.getBytes(StandardCharsets.US_ASCII);
            byte[] copy = data.clone();
            for (int i = 0; i + f.length <= copy.length; i++) {
                if (java.util.Arrays.equals(copy, i, i + f.length, f, 0, f.length)) {
                    System.arraycopy(t, 0, copy, i, t.length);
                    return copy;
                }
            }
            throw new IllegalArgumentException(from + " not found");
        }
    }
}
