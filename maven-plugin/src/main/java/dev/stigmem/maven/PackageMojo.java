package dev.stigmem.maven;

import java.nio.file.Path;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Builds the plugin archive that {@code stigmem install} and a node's plugin directory take: the
 * project's jar when it has no runtime dependencies; otherwise
 * {@code target/FINALNAME-plugin.zip}, holding the project's jar and every runtime dependency
 * (scopes {@code compile} and {@code runtime}) at its top level, attached to the build with
 * classifier {@code plugin} and type {@code zip} (so {@code mvn install} and {@code deploy} publish
 * it). {@code dev.stigmem:stigmem-api} must be {@code provided}: the node provides it.
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public final class PackageMojo extends AbstractBundleMojo {

    /** Classifier of the attached zip. */
    public static final String CLASSIFIER = "plugin";

    private final MavenProjectHelper projectHelper;

    /** Skips the goal. */
    @Parameter(property = "stigmem.package.skip", defaultValue = "false")
    boolean skip;

    @Inject
    public PackageMojo(MavenProjectHelper projectHelper) {
        this.projectHelper = projectHelper;
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("stigmem: package skipped (stigmem.package.skip)");
            return;
        }
        if (!jarProject()) {
            getLog().info("stigmem: not a plugin project (packaging " + project.getPackaging() + "), nothing to package");
            return;
        }
        PluginBundle bundle = bundle();
        Path archive = writeArchive(bundle);
        if (bundle.jarOnly()) {
            getLog().info("stigmem: plugin archive " + archive + " (the project's jar: no runtime dependencies to bundle)");
            return;
        }
        projectHelper.attachArtifact(project, "zip", CLASSIFIER, archive.toFile());
        getLog().info(String.format(java.util.Locale.ROOT, "stigmem: plugin archive %s (%s and %d private librar%s)", archive,
                bundle.plugin().name(), bundle.libraries().size(), bundle.libraries().size() == 1 ? "y" : "ies"));
    }
}
