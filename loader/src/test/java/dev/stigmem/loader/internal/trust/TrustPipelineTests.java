package dev.stigmem.loader.internal.trust;

import static dev.stigmem.loader.internal.trust.TestJars.content;
import static dev.stigmem.loader.internal.trust.TestJars.sign;
import static dev.stigmem.loader.internal.trust.TestJars.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.ArchiveFormatException;
import dev.stigmem.loader.ArchiveLimits;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.ArchiveReader;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.archive.PrivateDirectory;
import dev.stigmem.loader.internal.layer.ModuleJars;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier behind the loader's own archive reader: a signed jar written to disk by a
 * publisher, read by {@link ArchiveReader} into the image every later step uses, and verified
 * from that image and from the jar file {@link ModuleJars} writes from it for the module layer.
 */
class TrustPipelineTests {
    @TempDir
    Path tmp;
    @TempDir
    Path work;
    PrivateDirectory workspace;

    @BeforeEach
    void workspace() throws IOException {
        workspace = PrivateDirectory.create(work, "trust-");
    }

    @AfterEach
    void cleanup() {
        workspace.close();
    }

    private ArchiveImage read(Path archive) {
        List<JarImage> jars = new ArchiveReader(ArchiveLimits.DEFAULTS, archive, workspace).read();
        return new ArchiveImage(archive, jars.get(0), jars.subList(1, jars.size()));
    }

    private static TrustPolicy trustingAcme() {
        return TrustPolicy.builder().trustedPublisher(SigningKeys.acme().signer().fingerprint(), "Acme").build();
    }

    @Test
    void signedJarReadFromDiskIsTrustedFromItsImageAndFromTheJarWrittenForTheLayer() throws IOException {
        Path jar = tmp.resolve("example-plugin.jar");
        Files.write(jar, TestJars.zip(sign(content(), SigningKeys.acme(), "ACME")));
        ArchiveImage image = read(jar);
        Path layerDir = Files.createDirectory(workspace.path().resolve("layer"));
        ModuleJars.write(jar, List.of(image.pluginJar()), layerDir);
        Path written = layerDir.resolve(image.pluginJar().name());
        Instant now = Instant.now();

        TrustDecision fromImage = TrustVerifier.verify(image, trustingAcme(), now);
        TrustDecision fromFile = TrustVerifier.verify(image, Map.of(image.pluginJar().name(), written), trustingAcme(), now);

        assertThat(fromImage).isInstanceOf(TrustDecision.Trusted.class);
        assertThat(fromFile).isEqualTo(fromImage);
    }

    @Test
    void signedJarWithADuplicateEntryNeverReachesTheVerifier() throws IOException {
        // The archive reader refuses duplicate names, so an image (a map) never hides one.
        Map<String, byte[]> signed = TestJars.copy(sign(content(), SigningKeys.acme(), "ACME"));
        String real = "com/acme/plugin/ExamplePlugin.class";
        String twin = "com/acme/plugin/ExamplePlugiX.class";
        signed.put(twin, utf8("evil twin"));
        byte[] zip = TestJars.zip(signed);
        byte[] from = utf8(twin);
        byte[] to = utf8(real);
        for (int i = 0; i + from.length <= zip.length; i++) {
            if (java.util.Arrays.equals(zip, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, zip, i, to.length);
            }
        }
        Path jar = tmp.resolve("dup.jar");
        Files.write(jar, zip);

        assertThatThrownBy(() -> read(jar)).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("holds the entry '" + real + "' twice");
    }
}
