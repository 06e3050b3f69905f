package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PluginManifestTests {

    @StigmemPlugin(name = "example-plugin", version = "1.0.0", requires = ">=0.9.0",
            capabilities = {"audit.emit", "facts.read"}, dependsOn = {"base-plugin"})
    static final class Annotated {
    }

    @Test
    void validAnnotationBecomesAManifest() {
        PluginManifest m = PluginManifest.of(Annotated.class.getAnnotation(StigmemPlugin.class));
        assertThat(m.name()).isEqualTo("example-plugin");
        assertThat(m.version()).isEqualTo(SemanticVersion.parse("1.0.0"));
        assertThat(m.requires().includes(SemanticVersion.parse("0.9.0"))).isTrue();
        // Capability order, not declaration order: deterministic everywhere they are printed.
        assertThat(m.capabilities()).containsExactly(Capability.FACTS_READ, Capability.AUDIT_EMIT);
        assertThat(m.dependsOn()).containsExactly("base-plugin");
        assertThat(m.declares(Capability.FACTS_READ)).isTrue();
        assertThat(m.declares(Capability.FACTS_WRITE)).isFalse();
    }

    @Test
    void manifestIsImmutable() {
        PluginManifest m = PluginManifest.of("abc", "1.0.0", ">=0.9.0", List.of("facts.read"), List.of());
        assertThatThrownBy(() -> m.capabilities().add(Capability.NETWORK_OUTBOUND))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.dependsOn().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Abc", "1abc", "abc_def", "abc.def", "", "a-very-long-name-that-goes-on-and-on-and-on-beyond-sixty-four-chars"})
    void badNamesAreRejected(String name) {
        assertThatThrownBy(() -> PluginManifest.of(name, "1.0.0", ">=0.9.0", List.of(), List.of()))
                .isInstanceOf(ManifestError.class)
                .hasMessageContaining("name '" + name + "' must match [a-z][a-z0-9-]{2,63}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a-b", "a12", "example-plugin"})
    void goodNamesAreAccepted(String name) {
        assertThat(PluginManifest.of(name, "1.0.0", ">=0.9.0", List.of(), List.of()).name()).isEqualTo(name);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> PluginManifest.of("X", "1.0", "~1.0.0",
                List.of("facts.read", "facts.read", "root.access"), List.of("X", "Bad Name", "dep-one", "dep-one")))
                .isInstanceOfSatisfying(ManifestError.class, e -> {
                    assertThat(e.subject()).isEqualTo("plugin 'X'");
                    assertThat(e.problems()).containsExactly(
                            "name 'X' must match [a-z][a-z0-9-]{2,63}",
                            "version: '1.0' is not a version MAJOR.MINOR.PATCH with an optional -pre-release",
                            "requires: version range '~1.0.0': '~1.0.0' does not start with one of >=, >, <=, <, =",
                            "capability 'facts.read' is declared twice",
                            "unknown capability 'root.access'; known capabilities: " + String.join(", ", Capability.knownIds()),
                            "plugin depends on itself",
                            "dependency 'Bad Name' is not a valid plugin name",
                            "dependency 'dep-one' is declared twice");
                    assertThat(e.getMessage()).startsWith("invalid manifest of plugin 'X' (8 problems): ");
                });
    }

    @Test
    void selfDependencyIsRejected() {
        assertThatThrownBy(() -> PluginManifest.of("abc", "1.0.0", ">=0.9.0", List.of(), List.of("abc")))
                .isInstanceOf(ManifestError.class)
                .extracting(e -> ((ManifestError) e).problems(), LIST)
                .containsExactly("plugin depends on itself");
    }

    @Test
    void missingValuesAreProblemsNotNullPointerExceptions() {
        assertThatThrownBy(() -> PluginManifest.of(null, null, null, List.of(), List.of()))
                .isInstanceOfSatisfying(ManifestError.class, e -> assertThat(e.problems()).containsExactly(
                        "name 'null' must match [a-z][a-z0-9-]{2,63}",
                        "version: version is missing",
                        "requires: requires is missing"));
    }

    @Test
    void hostileNamesAreEscapedAndCappedInMessages() {
        String hostile = "evil\u001b[31m\u202e" + "x".repeat(500);
        assertThatThrownBy(() -> PluginManifest.of(hostile, "1.0.0", ">=0.9.0", List.of(), List.of()))
                .isInstanceOfSatisfying(ManifestError.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\u202e")
                            .contains("evil\\u001b[31m\\u202e").contains("...");
                    assertThat(e.getMessage().length()).isLessThan(400);
                });
    }

    @Test
    void boundedListLengths() {
        List<String> many = java.util.Collections.nCopies(1000, "facts.read");
        assertThatThrownBy(() -> PluginManifest.of("abc", "1.0.0", ">=0.9.0", many, List.of()))
                .isInstanceOfSatisfying(ManifestError.class,
                        e -> assertThat(e.problems()).containsExactly("capabilities: more than 256 entries"));
    }
}
