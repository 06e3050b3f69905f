package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.jar;
import static dev.stigmem.loader.internal.scan.TestArchives.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real third-party jars (Guava, Jackson databind, ByteBuddy; copied into target/third-party by the
 * build) scanned as a plugin's bundled libraries: no crash, deterministic output, expected findings.
 */
class ThirdPartyJarScanTests {

    private static ArchiveImage archive;

    @BeforeAll
    static void readJars() throws IOException {
        List<JarImage> libraries;
        try (Stream<Path> files = Files.list(Path.of("target", "third-party"))) {
            libraries = files.filter(p -> p.toString().endsWith(".jar")).sorted().map(ThirdPartyJarScanTests::read).toList();
        }
        assertThat(libraries).extracting(JarImage::name).anySatisfy(n -> assertThat(n).startsWith("guava-33."))
                .anySatisfy(n -> assertThat(n).startsWith("jackson-databind-"))
                .anySatisfy(n -> assertThat(n).startsWith("byte-buddy-"));
        archive = new ArchiveImage(Path.of("bundles-libraries.zip"),
                jar("plugin.jar", compile(Map.of("p/Direct.java", CapabilityScanTests.DIRECT))), libraries);
    }

    static JarImage read(Path jar) {
        Map<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), zip.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new JarImage(jar.getFileName().toString(), entries);
    }

    @Test
    void bundledThirdPartyLibrariesScanWithoutCrashAndWithIdenticalOutputOnTwoRuns() {
        ScanReport first = BytecodeScanner.scan(archive, manifest("facts.write"), ScanPolicy.shipped());
        ScanReport second = BytecodeScanner.scan(archive, manifest("facts.write"), ScanPolicy.shipped(), Runnable::run);

        assertThat(second.toJson()).isEqualTo(first.toJson());
        assertThat(first.classesScanned()).isGreaterThan(5000);
        assertThat(first.findings()).isSortedAccordingTo(Finding.ORDER);
        // Guava reaches for sun.misc.Unsafe, which a plugin's layer cannot link; ByteBuddy defines classes.
        assertThat(first.findings()).anySatisfy(f -> {
            assertThat(f.jar()).startsWith("guava-");
            assertThat(f.rule()).isEqualTo("reference.unlinkable");
            assertThat(f.target()).isEqualTo("sun.misc.Unsafe");
        });
        assertThat(first.findings()).anySatisfy(f -> {
            assertThat(f.jar()).startsWith("byte-buddy-");
            assertThat(f.rule()).isEqualTo("class.define");
        });
        assertThat(first.findings()).allSatisfy(f -> assertThat(f.jarIndex()).isPositive());
        assertThat(first.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
        assertThat(first.count(Severity.DENY)).isPositive();
    }
}
