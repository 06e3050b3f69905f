package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.testkit.internal.JvmSetup;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** What the testkit says when Surefire runs a plain-jar plugin with the api on the class path. */
class JvmSetupTests {

    @Test
    void theModulePathIsFine() {
        assertThat(JvmSetup.problem()).isEmpty();
    }

    @Test
    void anApiInTheUnnamedModuleGetsTheSurefireSnippet() throws Exception {
        try (URLClassLoader classPath = new URLClassLoader(new URL[0], null)) {
            assertThat(JvmSetup.problem(classPath.getUnnamedModule())).hasValueSatisfying(message -> assertThat(message)
                    .contains("dev.stigmem.api is on the class path")
                    .contains("<argLine>--module-path ${dev.stigmem:stigmem-api:jar} --add-modules dev.stigmem.api</argLine>")
                    .contains("<classpathDependencyExclude>dev.stigmem:stigmem-api</classpathDependencyExclude>")
                    .contains("<goal>properties</goal>")
                    .contains("module-info.java"));
        }
    }
}
