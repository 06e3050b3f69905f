package dev.stigmem.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Pre-scans the plugin archive with the loader's own scanner, as a node does before loading it:
 * the project's jar plus its runtime dependencies, bundled exactly as {@code stigmem:package}
 * bundles them (the same bytes), against the manifest of its {@code @StigmemPlugin} and the
 * shipped scan policy. Fails the build when the node would refuse the archive (a DENY finding, or
 * a refused declaration), with the report; warnings are logged. Writes
 * {@code target/stigmem/scan.txt}, {@code scan.json} and {@code scan.sarif} (SARIF 2.1.0) either way.
 *
 * <p>Bound to {@code verify}. {@code -Dstigmem.skip} skips it; nothing else relaxes it (a
 * {@code policy} file can only add rules, as an operator's can).
 */
@Mojo(name = "scan", defaultPhase = LifecyclePhase.VERIFY, requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public final class ScanMojo extends AbstractBundleMojo {

    /** How many findings of each severity the build log lists; the reports hold all. */
    static final int LISTED = 20;

    /** Skips the scan. */
    @Parameter(property = "stigmem.skip", defaultValue = "false")
    boolean skip;

    /**
     * An operator scan policy file extending the shipped policy (more deny or review rules, more
     * allowed packages or modules; a shipped deny cannot be lifted), as a node's {@code --scan-policy}.
     */
    @Parameter(property = "stigmem.policy")
    File policy;

    /** This plugin's own jars: the loader's module graph, defined as a layer for the scan. */
    @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
    List<Artifact> pluginArtifacts;

    /** Where the reports go. */
    @Parameter(defaultValue = "${project.build.directory}/stigmem", readonly = true, required = true)
    File reportDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("stigmem: scan skipped (stigmem.skip)");
            return;
        }
        if (!jarProject()) {
            getLog().info("stigmem: not a plugin project (packaging " + project.getPackaging() + "), nothing to scan");
            return;
        }
        PluginBundle bundle = bundle();
        Path archive = writeArchive(bundle).toAbsolutePath();

        long start = System.nanoTime();
        Function<Map<String, String>, Map<String, String>> scanner;
        try {
            scanner = LoaderLayer.scanner(pluginArtifacts);
        } catch (IllegalStateException e) {
            throw new MojoExecutionException("stigmem: " + e.getMessage(), e);
        }
        Map<String, String> in = new HashMap<>();
        in.put("archive", archive.toString());
        in.put("maxListed", Integer.toString(LISTED));
        if (policy != null) {
            in.put("policy", policy.getAbsolutePath());
        }
        long ready = System.nanoTime();
        Map<String, String> r = scanner.apply(in);
        long millis = (System.nanoTime() - start) / 1_000_000;
        getLog().debug(String.format(Locale.ROOT, "stigmem: scanner layer ready in %d ms, scan %d ms",
                (ready - start) / 1_000_000, (System.nanoTime() - ready) / 1_000_000));

        Path dir = reportDirectory.toPath();
        Path text = dir.resolve("scan.txt");
        Path json = dir.resolve("scan.json");
        Path sarif = dir.resolve("scan.sarif");
        try {
            Files.createDirectories(dir);
            Files.writeString(text, r.get("text"), StandardCharsets.UTF_8);
            Files.writeString(json, r.get("json"), StandardCharsets.UTF_8);
            Files.writeString(sarif, r.get("sarif"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("stigmem: cannot write the scan reports to " + dir + ": " + e, e);
        }
        String reports = String.format(Locale.ROOT, "Reports: %s (JSON: %s, SARIF 2.1.0: %s)", rel(text), rel(json), rel(sarif));

        String outcome = r.get("outcome");
        switch (outcome) {
            case "ACCEPT" -> {
                getLog().info(String.format(Locale.ROOT, "stigmem: plugin %s, archive %s: %s; scanned in %d ms",
                        r.get("plugin"), rel(archive), r.get("summary"), millis));
                int warnings = Integer.parseInt(r.get("warnCount"));
                if (warnings > 0) {
                    getLog().warn("stigmem: " + warnings + " warning" + (warnings == 1 ? "" : "s")
                            + " for a reviewer (the node loads the plugin):\n" + r.get("warn")
                            + (warnings > LISTED ? "... " + (warnings - LISTED) + " more in " + rel(text) + "\n" : "") + reports);
                } else {
                    getLog().info("stigmem: " + reports);
                }
            }
            case "REJECT" -> {
                int denies = Integer.parseInt(r.get("denyCount"));
                throw new MojoFailureException(String.format(Locale.ROOT,
                        "stigmem: a node would refuse plugin %s: the pre-scan of %s found %d DENY finding%s%n%s%s%s; scanned in %d ms%n"
                                + "Remove each reference, or declare the capability it needs; the author guide lists the rules.%n%s",
                        r.get("plugin"), rel(archive), denies, denies == 1 ? "" : "s", r.get("deny"),
                        denies > LISTED ? "... " + (denies - LISTED) + " more in " + rel(text) + System.lineSeparator() : "",
                        r.get("summary"), millis, reports));
            }
            case "REFUSED" -> throw new MojoFailureException("stigmem: a node would refuse this plugin before scanning it: "
                    + r.get("message") + System.lineSeparator() + reports);
            default -> throw new MojoFailureException("stigmem: the plugin archive cannot be scanned: " + r.get("message")
                    + System.lineSeparator() + reports);
        }
    }

    /** A path relative to the project's directory, as authors read it. */
    private String rel(Path p) {
        Path base = project.getBasedir().toPath().toAbsolutePath();
        Path abs = p.toAbsolutePath();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }
}
