package dev.stigmem.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What both goals share: the project, and the plugin archive as {@link PluginBundle} makes it. */
abstract class AbstractBundleMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** {@code project.build.outputTimestamp}: the zip's timestamp, for reproducible archives. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    String outputTimestamp;

    /** Whether this project builds a jar; other packagings are not plugin projects. */
    boolean jarProject() {
        return "jar".equals(project.getPackaging());
    }

    PluginBundle bundle() throws MojoExecutionException {
        File jar = project.getArtifact().getFile();
        try {
            return PluginBundle.of(jar == null ? null : jar.toPath(), List.<Artifact>copyOf(project.getArtifacts()));
        } catch (PluginBundle.BundleException e) {
            throw new MojoExecutionException("stigmem: " + e.getMessage());
        }
    }

    /** Writes the archive (the jar itself when there are no libraries) and returns it. */
    Path writeArchive(PluginBundle bundle) throws MojoExecutionException {
        Path zip = PluginBundle.zipPath(Path.of(project.getBuild().getDirectory()), project.getBuild().getFinalName());
        try {
            return bundle.write(zip, PluginBundle.timestamp(outputTimestamp));
        } catch (IOException e) {
            throw new MojoExecutionException("stigmem: cannot write the plugin archive " + zip + ": " + e, e);
        }
    }
}
