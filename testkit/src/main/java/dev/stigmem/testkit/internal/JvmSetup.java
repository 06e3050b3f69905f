package dev.stigmem.testkit.internal;

import java.util.Optional;

/**
 * Whether the test JVM can host plugin layers, and if not, what to change. Plugin modules
 * {@code requires dev.stigmem.api}, so the api must be a named module of the test JVM: true on
 * Surefire's module path, false on its class path unless the api jar is moved to the module path.
 */
public final class JvmSetup {

    /** What a plain-jar plugin project adds to its pom (the testkit's package-info shows the same). */
    public static final String SUREFIRE_SNIPPET = """
            <plugin>
              <artifactId>maven-dependency-plugin</artifactId>
              <executions><execution><goals><goal>properties</goal></goals></execution></executions>
            </plugin>
            <plugin>
              <artifactId>maven-surefire-plugin</artifactId>
              <configuration>
                <argLine>--module-path ${dev.stigmem:stigmem-api:jar} --add-modules dev.stigmem.api</argLine>
                <classpathDependencyExcludes>
                  <classpathDependencyExclude>dev.stigmem:stigmem-api</classpathDependencyExclude>
                </classpathDependencyExcludes>
              </configuration>
            </plugin>""";

    private JvmSetup() {
    }

    /** The problem with a JVM whose api classes live in {@code apiModule}, if there is one. */
    public static Optional<String> problem(Module apiModule) {
        if (apiModule.isNamed() && apiModule.getLayer() != null) {
            return Optional.empty();
        }
        return Optional.of("""
                The Stigmem testkit cannot load plugins in this JVM: dev.stigmem.api is on the class path \
                (in the unnamed module), so a plugin module that `requires dev.stigmem.api` cannot resolve.
                This happens when Surefire runs a plain-jar plugin (no module-info.java) on the class path. \
                Put the api jar on the module path; in the plugin's pom.xml, add (versions from your build):
                """ + SUREFIRE_SNIPPET + """

                Or give the plugin a module-info.java: Surefire then runs its tests on the module path.""");
    }

    /** The problem with this JVM, if there is one. */
    public static Optional<String> problem() {
        return problem(dev.stigmem.api.Plugin.class.getModule());
    }
}
