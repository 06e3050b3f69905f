package dev.stigmem.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the pre-scan cannot come to a verdict, the load is refused in words, without exception class names. */
class ScanVerdictMessageTests {

    @Test
    void aClassFileTheScanCannotReadRefusesTheLoadInWords(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("greeter-with-a-truncated-class.jar");
        try (ZipFile in = new ZipFile(Examples.greeter().toFile());
             OutputStream o = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(o)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("x/Truncated.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9});
            out.closeEntry();
        }
        assertThatThrownBy(() -> PluginLoader.builder().build().load(jar)).isInstanceOf(PluginRejectedException.class)
                .hasMessage("plugin archive '" + jar + "': refused: bytecode-scan could not come to a verdict: "
                        + "greeter-with-a-truncated-class.jar!x/Truncated.class: class file truncated (ends at byte 10)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception"));
    }
}
