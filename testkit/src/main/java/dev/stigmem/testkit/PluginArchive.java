package dev.stigmem.testkit;

import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.node.NodeStartException;
import dev.stigmem.testkit.internal.BuildOutput;
import dev.stigmem.testkit.internal.JvmSetup;
import dev.stigmem.testkit.internal.LibraryDiscovery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * A plugin archive as the node would receive it: built from the plugin's build output (a classes
 * directory is packed into a jar, bundled libraries make it a zip of jars) or taken as it is.
 *
 * <p>Immutable. The archive file is written under the build output's parent directory, in
 * {@code stigmem-testkit/}, and left there for inspection ({@code stigmem scan} it).
 */
public final class PluginArchive {

    private final Path path;
    private final Optional<String> moduleName;
    // Where the testkit writes what it has to say about this archive at length (a node's refusal).
    private final Path reportDirectory;

    private PluginArchive(Path path, Optional<String> moduleName, Path reportDirectory) {
        this.path = path;
        this.moduleName = moduleName;
        this.reportDirectory = reportDirectory;
    }

    /**
     * The plugin built by this project: {@code target/classes} (or any classes directory, jar,
     * zip or directory of jars), with the named library jars from the test's class or module path
     * bundled beside it.
     *
     * @param buildOutput the classes directory or archive, relative to the working directory (Maven: the project's)
     * @param libraries   jar file-name prefixes of private libraries to bundle, for example {@code text-library};
     *                    none: the jars on the test path that the classes need are found and bundled
     *                    (a classes directory only; ClassGraph reads what its classes reference)
     * @throws IllegalArgumentException if the build output does not exist or a library is not found (the message says what to do)
     */
    public static PluginArchive fromBuildOutput(Path buildOutput, String... libraries) {
        Path out = buildOutput.toAbsolutePath().normalize();
        if (!Files.exists(out)) {
            throw new IllegalArgumentException("the plugin's build output " + out + " does not exist: run the tests with"
                    + " Maven from the plugin's project directory (mvn test compiles it first), or point"
                    + " @PluginTest(\"...\") at the plugin's classes directory or archive");
        }
        List<Path> libs = new ArrayList<>();
        for (String l : libraries) {
            libs.add(BuildOutput.library(l));
        }
        if (libraries.length == 0 && Files.isDirectory(out) && BuildOutput.isClassesDirectory(out)) {
            libs.addAll(LibraryDiscovery.referencedBy(out));
        }
        Path packDir = (out.getParent() == null ? out : out.getParent()).resolve("stigmem-testkit");
        Path archive;
        Optional<String> module;
        if (Files.isDirectory(out) && BuildOutput.isClassesDirectory(out)) {
            String name = projectName(out);
            archive = BuildOutput.pack(out, packDir, name + ".jar");
            module = BuildOutput.moduleName(out);
        } else {
            archive = out;
            module = Files.isRegularFile(out) && out.toString().endsWith(".jar") ? BuildOutput.moduleNameOfJar(out) : Optional.empty();
        }
        if (!libs.isEmpty()) {
            if (!Files.isRegularFile(archive) || !archive.toString().endsWith(".jar")) {
                throw new IllegalArgumentException("libraries can be bundled only with a classes directory or a plugin jar, not with " + archive);
            }
            String base = archive.getFileName().toString().replaceFirst("\\.jar$", "");
            archive = BuildOutput.zip(archive, libs, packDir, base + "-with-libraries.zip");
        }
        return new PluginArchive(archive, module, packDir);
    }

    /** An archive as it is (a jar, a zip of jars or a directory of jars), for example one built by another module. */
    public static PluginArchive of(Path archive) {
        Path p = archive.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("plugin archive " + p + " does not exist");
        }
        Optional<String> module = Files.isRegularFile(p) && p.toString().endsWith(".jar") ? BuildOutput.moduleNameOfJar(p) : Optional.empty();
        return new PluginArchive(p, module, defaultReportDirectory());
    }

    // target/stigmem-testkit of the project the tests run in (Maven's working directory), else a temp directory.
    private static Path defaultReportDirectory() {
        Path target = Path.of("target").toAbsolutePath();
        return Files.isDirectory(target) ? target.resolve("stigmem-testkit")
                : Path.of(System.getProperty("java.io.tmpdir"), "stigmem-testkit");
    }

    /** Where the testkit writes long reports about this archive (a node's whole refusal). */
    Path reportDirectory() {
        return reportDirectory;
    }

    /** The archive file (or directory) the node loads. */
    public Path path() {
        return path;
    }

    /** The plugin's module name, when its jar is an explicit module. */
    public Optional<String> moduleName() {
        return moduleName;
    }

    /** The pre-scan with the shipped policy, exactly as {@code stigmem scan} and the node run it. */
    public ScanOutcome scan() {
        return scan(ScanPolicy.shipped());
    }

    /**
     * The pre-scan with a given policy.
     *
     * @throws AssertionFailedError if the archive cannot be read or its declaration is refused (the
     *                              scan never runs on such an archive; neither does the node)
     */
    public ScanOutcome scan(ScanPolicy policy) {
        JvmSetup.problem().ifPresent(p -> {
            throw new IllegalStateException(p);
        });
        Path work = tempDirectory("stigmem-scan-");
        try {
            PluginCandidate candidate = PluginLoader.builder().workDirectory(work).scanPolicy(policy).build().inspect(path);
            return new ScanOutcome(ScanCheck.scan(candidate, policy));
        } catch (PluginLoadException e) {
            throw new AssertionFailedError("the archive was refused before its scan: " + e.getMessage(), e);
        } finally {
            TestNode.deleteTree(work);
        }
    }

    /**
     * Starts a default test node on this archive (development trust, the shipped scan policy, no
     * configuration, nothing alongside) and expects it to refuse the plugin (trust, declaration,
     * scan, capability vote or start).
     *
     * @return the node's refusal, every failure it listed
     * @throws AssertionFailedError if the node started
     */
    public String assertRejectedByNode() {
        return assertRejectedBy(TestNode.builder());
    }

    /**
     * Starts the node {@code builder} describes on this archive (its trust and scan policies,
     * configuration, plugins alongside) and expects it to refuse the plugin.
     *
     * @return the node's refusal, every failure it listed
     * @throws AssertionFailedError if the node started
     */
    public String assertRejectedBy(TestNode.Builder builder) {
        try (TestNode node = builder.plugin(this).start()) {
            throw new AssertionFailedError("expected the node to refuse " + path.getFileName() + ", but it started with "
                    + node.plugins().stream().map(p -> p.name()).toList());
        } catch (NodeStartException e) {
            return e.getMessage();
        }
    }

    @Override
    public String toString() {
        return "PluginArchive[" + path + "]";
    }

    static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    // target/classes -> the project directory's name; anything else -> its own name.
    private static String projectName(Path classes) {
        Path target = classes.getParent();
        Path project = target == null ? null : target.getParent();
        String name = project != null && target.getFileName().toString().equals("target") && project.getFileName() != null
                ? project.getFileName().toString() : classes.getFileName().toString();
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return Objects.requireNonNullElse(safe.isEmpty() ? null : safe, "plugin-under-test");
    }
}
