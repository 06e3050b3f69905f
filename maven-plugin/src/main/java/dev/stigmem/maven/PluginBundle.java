package dev.stigmem.maven;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.maven.artifact.Artifact;

/**
 * What a plugin archive holds and how it is written: the project's jar, then its runtime
 * dependencies (scopes {@code compile} and {@code runtime}) as private libraries. Without
 * libraries the archive is the project's jar itself; with them, a zip holding the plugin jar and
 * the library jars at its top level, the shape {@code stigmem install} and the node take.
 *
 * <p>{@code stigmem:package} writes it and {@code stigmem:scan} scans it, both through this class,
 * so the scanned bytes are the installed bytes. The zip is reproducible: fixed entry order (the
 * plugin jar first, then the libraries in dependency order), one timestamp.
 */
final class PluginBundle {

    /** The node's own artifacts: the node provides the api, a plugin must not bundle any of them. */
    static final Set<String> HOST_ARTIFACTS = Set.of("dev.stigmem:stigmem-api", "dev.stigmem:stigmem-loader",
            "dev.stigmem:stigmem-node", "dev.stigmem:stigmem-guard", "dev.stigmem:stigmem-guard-bridge",
            "dev.stigmem:stigmem-testkit");

    /** The zip's timestamp when the project sets no {@code project.build.outputTimestamp}. */
    static final Instant DEFAULT_TIME = Instant.parse("2000-01-01T00:00:00Z");

    /** One jar of the archive: the name it has inside the zip, and where it is now. */
    record Member(String name, Path file) {
    }

    private final Member plugin;
    private final List<Member> libraries;

    private PluginBundle(Member plugin, List<Member> libraries) {
        this.plugin = plugin;
        this.libraries = List.copyOf(libraries);
    }

    /**
     * The archive of a project.
     *
     * @param projectJar the project's jar ({@code project.getArtifact().getFile()})
     * @param artifacts  the project's resolved dependencies, in resolution order
     * @throws BundleException when the jar is missing, a host artifact would be bundled, or a
     *                         runtime dependency is not a jar
     */
    static PluginBundle of(Path projectJar, Collection<Artifact> artifacts) throws BundleException {
        if (projectJar == null || !Files.isRegularFile(projectJar) || !projectJar.toString().endsWith(".jar")) {
            throw new BundleException("the project's jar is not built (" + projectJar + "): stigmem:scan and "
                    + "stigmem:package run after jar:jar, in the verify and package phases (run mvn verify)");
        }
        Member plugin = new Member(projectJar.getFileName().toString(), projectJar);
        Set<String> names = new HashSet<>();
        names.add(plugin.name());
        List<Member> libraries = new ArrayList<>();
        for (Artifact a : artifacts) {
            if (!bundled(a)) {
                continue;
            }
            String key = a.getGroupId() + ":" + a.getArtifactId();
            if (HOST_ARTIFACTS.contains(key)) {
                throw new BundleException(String.format(Locale.ROOT, "%s is a %s dependency, so it would be bundled "
                        + "into the plugin archive: declare it <scope>provided</scope> (the node provides the api) "
                        + "or <scope>test</scope> (the testkit)", a.getId(), a.getScope()));
            }
            Path file = a.getFile() == null ? null : a.getFile().toPath();
            if (file == null || !Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".jar")) {
                throw new BundleException(String.format(Locale.ROOT, "runtime dependency %s is not a jar (%s): a plugin "
                        + "archive holds jars only; give it <scope>provided</scope> if the node should not get it", a.getId(), file));
            }
            String name = a.getArtifactId() + "-" + a.getVersion() + (a.hasClassifier() ? "-" + a.getClassifier() : "") + ".jar";
            if (!names.add(name)) {
                name = a.getGroupId() + "." + name;
                names.add(name);
            }
            libraries.add(new Member(name, file));
        }
        return new PluginBundle(plugin, libraries);
    }

    /** Whether a resolved dependency goes into the archive: compile and runtime scope, on the class path. */
    static boolean bundled(Artifact a) {
        String scope = a.getScope() == null ? Artifact.SCOPE_COMPILE : a.getScope();
        boolean runtime = scope.equals(Artifact.SCOPE_COMPILE) || scope.equals(Artifact.SCOPE_RUNTIME);
        return runtime && (a.getArtifactHandler() == null || a.getArtifactHandler().isAddedToClasspath());
    }

    Member plugin() {
        return plugin;
    }

    List<Member> libraries() {
        return libraries;
    }

    /** Whether the archive is the plugin jar alone. */
    boolean jarOnly() {
        return libraries.isEmpty();
    }

    /** Where {@link #write} puts a zip: {@code DIR/FINALNAME-plugin.zip}. */
    static Path zipPath(Path buildDirectory, String finalName) {
        return buildDirectory.resolve(finalName + "-plugin.zip");
    }

    /**
     * The archive: the plugin jar itself when there are no libraries, else the zip written at
     * {@code zip} (whole or not at all).
     */
    Path write(Path zip, Instant time) throws IOException {
        if (jarOnly()) {
            return plugin.file();
        }
        Files.createDirectories(zip.toAbsolutePath().getParent());
        // Beside the target, with the usual permissions (an installed archive is read by the node's user).
        Path tmp = zip.resolveSibling("." + zip.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().getId() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE); ZipOutputStream z = new ZipOutputStream(out)) {
                FileTime ft = FileTime.from(time);
                List<Member> all = new ArrayList<>();
                all.add(plugin);
                all.addAll(libraries);
                for (Member m : all) {
                    ZipEntry e = new ZipEntry(m.name());
                    e.setLastModifiedTime(ft);
                    z.putNextEntry(e);
                    Files.copy(m.file(), z);
                    z.closeEntry();
                }
            }
            Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return zip;
    }

    /**
     * The zip's timestamp from {@code project.build.outputTimestamp}: an ISO-8601 date-time or
     * seconds since the epoch; {@link #DEFAULT_TIME} when unset or unparseable.
     */
    static Instant timestamp(String outputTimestamp) {
        if (outputTimestamp == null || outputTimestamp.isBlank() || outputTimestamp.length() < 2) {
            return DEFAULT_TIME;
        }
        try {
            if (outputTimestamp.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochSecond(Long.parseLong(outputTimestamp));
            }
            return OffsetDateTime.parse(outputTimestamp).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            return DEFAULT_TIME;
        }
    }

    /** The project cannot be bundled; the message says why and what to change. */
    static final class BundleException extends Exception {
        private static final long serialVersionUID = 1L;

        BundleException(String message) {
            super(Objects.requireNonNull(message));
        }
    }
}
