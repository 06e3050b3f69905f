package dev.stigmem.loader.internal.layer;

import dev.stigmem.loader.ArchiveLimits;
import dev.stigmem.loader.internal.archive.ArchiveReader;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.archive.PrivateDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layer's jar writer: every zip reader the loader and the JDK use sees the image, and the JDK derives the same module. */
class StoredJarTests {
    @TempDir
    Path tmp;

    /** An automatic module with a name, a service and a main class, a non-ASCII name, an empty entry and a large one. */
    static JarImage automatic() {
        Map<String, byte[]> m = new TreeMap<>();
        m.put("META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\r\nAutomatic-Module-Name: lib.auto\r\n"
                + "Main-Class: p.q.Main\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        m.put("META-INF/services/java.lang.Runnable", "p.q.Impl\n".getBytes(StandardCharsets.UTF_8));
        m.put("p/q/Main.class", new byte[] {(byte) 0xCA, (byte) 0xFE});
        m.put("p/q/Impl.class", new byte[0]);
        m.put("p/r/données.txt", "é".getBytes(StandardCharsets.UTF_8));
        byte[] large = new byte[300_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        m.put("p/r/large.bin", large);
        return new JarImage("lib-1.2.jar", m);
    }

    @Test
    void everyReaderSeesTheImage() throws IOException {
        JarImage image = automatic();
        Path jar = tmp.resolve("lib-1.2.jar");
        StoredJar.write(image, jar);
        // The JDK's random-access reader (the module finder's and the layer's).
        try (ZipFile zf = new ZipFile(jar.toFile())) {
            assertThat(zf.size()).isEqualTo(image.entries().size());
            for (var e : image.entries().entrySet()) {
                ZipEntry ze = zf.getEntry(e.getKey());
                assertThat(ze).as(e.getKey()).isNotNull();
                assertThat(ze.getMethod()).isEqualTo(ZipEntry.STORED);
                try (InputStream in = zf.getInputStream(ze)) {
                    assertThat(in.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
        // A streaming reader (local headers).
        Map<String, byte[]> streamed = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry ze; (ze = in.getNextEntry()) != null; ) {
                streamed.put(ze.getName(), in.readAllBytes());
            }
        }
        assertThat(new JarImage("x", streamed)).isEqualTo(new JarImage("x", image.entries()));
        // The loader's own strict reader: central directory and local headers agree, no gap, no overlap.
        try (PrivateDirectory work = PrivateDirectory.create(tmp, "read-")) {
            assertThat(new ArchiveReader(ArchiveLimits.DEFAULTS, jar, work).read()).containsExactly(image);
        }
    }

    @Test
    void theJdkDerivesTheSameModulesAsFromAZipOutputStreamJar() throws IOException {
        Map<String, byte[]> explicit = new TreeMap<>(automatic().entries());
        explicit.put("module-info.class", moduleInfo());
        for (JarImage image : new JarImage[] {automatic(), new JarImage("lib-1.2.jar", explicit)}) {
            Path a = Files.createDirectory(tmp.resolve("a" + image.entries().size())).resolve(image.name());
            Path b = Files.createDirectory(tmp.resolve("b" + image.entries().size())).resolve(image.name());
            StoredJar.write(image, a);
            StoredJar.writeZip64(image, b);
            ModuleDescriptor da = ModuleFinder.of(a).findAll().iterator().next().descriptor();
            ModuleDescriptor db = ModuleFinder.of(b).findAll().iterator().next().descriptor();
            assertThat(da).isEqualTo(db);
            assertThat(da.packages()).contains("p.q");
            assertThat(da.name()).isEqualTo(image.entries().containsKey("module-info.class") ? "lib.expl" : "lib.auto");
        }
    }

    @Test
    void anExistingFileIsNotOverwritten() throws IOException {
        Path jar = Files.writeString(tmp.resolve("taken.jar"), "x");
        assertThatThrownBy(() -> StoredJar.write(automatic(), jar)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(jar).hasContent("x");
    }

    /** {@code module lib.expl { exports p.q; }} compiled by the JDK's own descriptor writer is not public; a minimal class file by hand. */
    private static byte[] moduleInfo() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(53);
        // constant pool: 1 Utf8 module-info, 2 Class #1, 3 Utf8 Module, 4 Utf8 lib.expl, 5 Module #4,
        // 6 Utf8 java.base, 7 Module #6, 8 Utf8 p/q, 9 Package #8
        out.writeShort(10);
        out.writeByte(1); out.writeUTF("module-info");
        out.writeByte(7); out.writeShort(1);
        out.writeByte(1); out.writeUTF("Module");
        out.writeByte(1); out.writeUTF("lib.expl");
        out.writeByte(19); out.writeShort(4);
        out.writeByte(1); out.writeUTF("java.base");
        out.writeByte(19); out.writeShort(6);
        out.writeByte(1); out.writeUTF("p/q");
        out.writeByte(20); out.writeShort(8);
        out.writeShort(0x8000); // ACC_MODULE
        out.writeShort(2); // this_class
        out.writeShort(0); // super_class
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(0); // methods
        out.writeShort(1); // attributes
        out.writeShort(3); // Module
        java.io.ByteArrayOutputStream attr = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream a = new java.io.DataOutputStream(attr);
        a.writeShort(5); a.writeShort(0); a.writeShort(0); // module lib.expl, flags, no version
        a.writeShort(1); a.writeShort(7); a.writeShort(0x8000); a.writeShort(0); // requires mandated java.base
        a.writeShort(1); a.writeShort(9); a.writeShort(0); a.writeShort(0); // exports p.q
        a.writeShort(0); a.writeShort(0); a.writeShort(0); // opens, uses, provides
        out.writeInt(attr.size());
        out.write(attr.toByteArray());
        return bytes.toByteArray();
    }
}
