import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A build step of the node (node/pom.xml, package phase), run as a single-file program on the JDK
 * that builds: writes the ModulePackages class-file attribute (JVMS 4.7.26) into the module
 * descriptor of each modular jar in the launcher's module directory that lacks one.
 *
 * <p>Why: the JVM's boot layer (JDK 17 archives no module graph when -p is given) reads every jar of
 * the module path at each start, and for a descriptor without that attribute the JDK derives the
 * module's packages by listing all the jar's entries (jackson-core, jackson-databind,
 * jackson-annotations and picocli: some 1,500 entries, in cold code): about 40 ms of CPU of every
 * ./stigmem command. With the attribute the JDK takes the package set from the descriptor, as it
 * does for the jars the jar tool or the Maven archiver made (the api, loader, guard, byte-buddy, slf4j).
 *
 * <p>The attribute carries exactly the set the JDK derives (ModuleFinder here), so the module is the
 * same one: after the rewrite the jar's descriptor must equal the one before, or the build fails
 * naming the jar. A jar is left as it is where the set could depend on the JDK that runs it (a
 * multi-release jar whose versioned entries hold a package its base does not), where the rewrite
 * could break something (a signed jar), or where the descriptor is not one entry's (an automatic
 * module, several module-info.class). Idempotent: a jar that has the attribute is left alone.
 *
 * <p>Usage: java ModulePackagesAttribute.java DIRECTORY
 */
public final class ModulePackagesAttribute {

    private static final String VERSIONS = "META-INF/versions/";
    private static final String MODULE_INFO = "module-info.class";
    private static final String ATTRIBUTE = "ModulePackages";

    private ModulePackagesAttribute() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java ModulePackagesAttribute.java DIRECTORY");
        }
        Path dir = Path.of(args[0]);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            files.forEach(jars::add);
        }
        jars.sort(null);
        for (Path jar : jars) {
            rewrite(jar);
        }
    }

    /** Writes the attribute into the jar's descriptor when it lacks one and the set is the JDK's on every release. */
    static void rewrite(Path jar) throws IOException {
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        if (found.size() != 1) {
            throw new IOException(jar + ": not one module");
        }
        ModuleDescriptor before = found.iterator().next().descriptor();
        if (before.isAutomatic()) {
            return;
        }
        Optional<String> entry = descriptorEntry(jar, before.packages());
        if (entry.isEmpty()) {
            return;
        }
        byte[] classFile;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            classFile = zip.getInputStream(zip.getEntry(entry.get())).readAllBytes();
        }
        Optional<byte[]> rewritten = withPackages(classFile, before.packages());
        if (rewritten.isEmpty()) {
            return;
        }
        // Edited in a copy beside the directory (so a half-written jar is never on the module path),
        // checked, then moved over the original.
        Path work = Files.createTempDirectory(jar.toAbsolutePath().getParent().getParent(), "module-packages");
        try {
            Path copy = work.resolve(jar.getFileName());
            Files.copy(jar, copy);
            // (The zip file system rewrites the jar on close, copying every other entry as it was.)
            try (FileSystem fs = FileSystems.newFileSystem(copy)) {
                Files.write(fs.getPath(entry.get()), rewritten.get());
            }
            ModuleDescriptor after = ModuleFinder.of(copy).findAll().iterator().next().descriptor();
            if (!after.equals(before)) {
                throw new IOException(jar + ": the descriptor with the ModulePackages attribute (" + entry.get()
                        + ") is not the module the JDK reads without it: " + after + " against " + before);
            }
            Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            try (DirectoryStream<Path> left = Files.newDirectoryStream(work)) {
                for (Path p : left) {
                    Files.delete(p);
                }
            }
            Files.delete(work);
        }
    }

    /**
     * The one module-info.class entry of the jar, or nothing when the jar is signed, has several, or
     * has a versioned entry outside the base's directories: the package set derived from the entries
     * (base and versioned, up to the release that runs) would then depend on that release, where the
     * attribute fixes it to the building JDK's.
     */
    private static Optional<String> descriptorEntry(Path jar, Set<String> packages) throws IOException {
        List<String> descriptors = new ArrayList<>();
        Set<String> baseDirectories = new HashSet<>();
        List<String> versioned = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry z = e.nextElement();
                String name = z.getName();
                String upper = name.toUpperCase(Locale.ROOT);
                if (upper.startsWith("META-INF/") && (upper.endsWith(".SF") || upper.endsWith(".RSA")
                        || upper.endsWith(".DSA") || upper.endsWith(".EC"))) {
                    return Optional.empty();
                }
                if (z.isDirectory()) {
                    continue;
                }
                if (name.equals(MODULE_INFO)) {
                    descriptors.add(name);
                } else if (name.startsWith(VERSIONS)) {
                    int slash = name.indexOf('/', VERSIONS.length());
                    String inRelease = slash < 0 ? "" : name.substring(slash + 1);
                    if (inRelease.equals(MODULE_INFO)) {
                        descriptors.add(name);
                    } else if (!inRelease.isEmpty() && !inRelease.startsWith("META-INF/")) {
                        versioned.add(inRelease);
                    }
                } else if (!name.startsWith("META-INF/") && name.lastIndexOf('/') > 0) {
                    baseDirectories.add(name.substring(0, name.lastIndexOf('/')));
                }
            }
        }
        for (String name : versioned) {
            int last = name.lastIndexOf('/');
            String directory = last > 0 ? name.substring(0, last) : "";
            if (!baseDirectories.contains(directory) || !packages.contains(directory.replace('/', '.'))) {
                return Optional.empty();
            }
        }
        return descriptors.size() == 1 ? Optional.of(descriptors.get(0)) : Optional.empty();
    }

    /**
     * The module-info class file with a ModulePackages attribute of {@code packages} (sorted, so that
     * the build is reproducible) appended to its constant pool and attributes; nothing when it has one.
     */
    static Optional<byte[]> withPackages(byte[] classFile, Set<String> packages) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int poolCount = in.readUnsignedShort();
        String[] utf8 = new String[poolCount];
        for (int i = 1; i < poolCount; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " at " + i);
            }
        }
        int poolEnd = classFile.length - in.available();
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        for (int members = 0; members < 2; members++) { // fields, then methods
            int count = in.readUnsignedShort();
            for (int m = 0; m < count; m++) {
                in.skipNBytes(6);
                skipAttributes(in);
            }
        }
        int attributesAt = classFile.length - in.available();
        int attributeCount = in.readUnsignedShort();
        for (int a = 0; a < attributeCount; a++) {
            int name = in.readUnsignedShort();
            if (ATTRIBUTE.equals(utf8[name])) {
                return Optional.empty();
            }
            in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
        }
        List<String> sorted = new ArrayList<>(new TreeSet<>(packages));
        int added = 1 + 2 * sorted.size();
        if (poolCount + added > 0xFFFF || attributeCount == 0xFFFF) {
            throw new IOException("no room in the constant pool for " + sorted.size() + " packages");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(classFile.length + 16 * added);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(classFile, 0, 8);
        out.writeShort(poolCount + added);
        out.write(classFile, 10, poolEnd - 10);
        int attributeName = poolCount;
        out.writeByte(1);
        out.writeUTF(ATTRIBUTE);
        int[] packageIndex = new int[sorted.size()];
        for (int p = 0; p < sorted.size(); p++) {
            out.writeByte(1);
            out.writeUTF(sorted.get(p).replace('.', '/'));
            out.writeByte(20);
            out.writeShort(poolCount + 1 + 2 * p);
            packageIndex[p] = poolCount + 2 + 2 * p;
        }
        out.write(classFile, poolEnd, attributesAt - poolEnd);
        out.writeShort(attributeCount + 1);
        out.write(classFile, attributesAt + 2, classFile.length - attributesAt - 2);
        out.writeShort(attributeName);
        out.writeInt(2 + 2 * sorted.size());
        out.writeShort(sorted.size());
        for (int index : packageIndex) {
            out.writeShort(index);
        }
        out.flush();
        return Optional.of(bytes.toByteArray());
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        for (int a = 0; a < count; a++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
        }
    }
}
