package dev.stigmem.node.internal.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Archives within every limit of the loader that cost a scanner much more memory than their size,
 * or that break in ways operators must see in words: built at test time from a real plugin
 * compiled by javac ({@link PluginJars#compile}).
 */
final class HostileArchives {
    private HostileArchives() {
    }

    private static final String ENTRY = "package com.example.hostile;\n"
            + "@dev.stigmem.api.StigmemPlugin(name = \"hostile\", version = \"1.0.0\", requires = \">=0.9.0\")\n"
            + "public final class Hostile implements dev.stigmem.api.Plugin {}\n";

    /** The entry of {@link #exits}: it runs the class, so the scan judges its code as reachable. */
    private static final String EXITS_ENTRY = "package com.example.hostile;\n"
            + "@dev.stigmem.api.StigmemPlugin(name = \"hostile\", version = \"1.0.0\", requires = \">=0.9.0\")\n"
            + "public final class Hostile implements dev.stigmem.api.Plugin {\n"
            + "  @Override public void start(dev.stigmem.api.PluginContext context) { new Exits().run(); }\n}\n";

    /**
     * A plugin whose jar holds {@code copies} copies of one Runnable class calling {@code System.exit}
     * {@code calls} times: each call in a method of its own ({@code distinctMethods}: that many findings a
     * copy) or all in {@code run()} (one finding a copy, however many calls). A few hundred KiB compressed.
     */
    static Path exits(Path dir, String jarName, int copies, int calls, boolean distinctMethods) {
        // Created and run by the entry class, so the scan judges its body as reachable code.
        StringBuilder body = new StringBuilder("package com.example.hostile;\npublic final class Exits implements Runnable {\n");
        if (distinctMethods) {
            for (int i = 0; i < calls; i++) {
                body.append("  static void m").append(i).append("() { System.exit(0); }\n");
            }
            body.append("  public void run() {\n");
        } else {
            body.append("  public void run() {\n");
            for (int i = 0; i < calls; i++) {
                body.append("System.exit(0); ");
            }
        }
        body.append("\n  }\n}\n");
        Path compiled = PluginJars.compile(build(dir), jarName, Map.of(
                "com/example/hostile/Hostile.java", EXITS_ENTRY, "com/example/hostile/Exits.java", body.toString()),
                "com.example.hostile.Hostile");
        try (ZipFile in = new ZipFile(compiled.toFile());
             OutputStream o = Files.newOutputStream(dir.resolve(jarName)); ZipOutputStream out = new ZipOutputStream(o)) {
            byte[] exits = in.getInputStream(in.getEntry("com/example/hostile/Exits.class")).readAllBytes();
            copyAll(in, out);
            for (int i = 0; i < copies; i++) {
                out.putNextEntry(new ZipEntry(String.format("com/example/hostile/copies/Exits%05d.class", i)));
                out.write(exits);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(jarName);
    }

    /** A plugin whose jar also holds {@code entries} resources of 64 KiB of zeros (each exempt from the ratio bound). */
    static Path zeros(Path dir, String jarName, int entries) {
        Path compiled = PluginJars.compile(build(dir), jarName, Map.of("com/example/hostile/Hostile.java", ENTRY),
                "com.example.hostile.Hostile");
        byte[] zeros = new byte[64 * 1024];
        try (ZipFile in = new ZipFile(compiled.toFile());
             OutputStream o = Files.newOutputStream(dir.resolve(jarName)); ZipOutputStream out = new ZipOutputStream(o)) {
            copyAll(in, out);
            for (int i = 0; i < entries; i++) {
                out.putNextEntry(new ZipEntry(String.format("zeros/%05d.bin", i)));
                out.write(zeros);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(jarName);
    }

    /** A plugin jar whose resource's deflated data is broken from its first byte: reading it fails inflating. */
    static Path brokenDeflate(Path dir, String jarName) {
        Path compiled = PluginJars.compile(build(dir), jarName, Map.of("com/example/hostile/Hostile.java", ENTRY),
                "com.example.hostile.Hostile");
        Path jar = dir.resolve(jarName);
        try (ZipFile in = new ZipFile(compiled.toFile());
             OutputStream o = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(o)) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write("text that deflates into a stream we can break ".repeat(40).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
            copyAll(in, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            byte[] b = Files.readAllBytes(jar);
            b[30 + "a.txt".length()] = (byte) 0xff; // the first entry's data: block type 3, invalid
            return Files.write(jar, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zip whose one entry uses an unsupported compression method in its central record (the name is quoted). */
    static Path unsupportedMethod(Path dir, String fileName, String entryName) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                out.putNextEntry(new ZipEntry(entryName));
                out.write(new byte[] {1, 2, 3});
                out.closeEntry();
            }
            byte[] b = bytes.toByteArray();
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int cen = buf.getInt(b.length - 22 + 16);
            buf.putShort(cen + 10, (short) 12);
            return Files.write(dir.resolve(fileName), b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the javac output goes: a hidden folder, which a plugin directory's listing skips. */
    private static Path build(Path dir) {
        try {
            return Files.createDirectories(dir.resolve(".build"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyAll(ZipFile in, ZipOutputStream out) throws IOException {
        for (var e : java.util.Collections.list(in.entries())) {
            out.putNextEntry(new ZipEntry(e.getName()));
            out.write(in.getInputStream(e).readAllBytes());
            out.closeEntry();
        }
    }
}
