package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemanticVersionTests {

    @Test
    void precedenceFollowsSemVer() {
        // The ordering example of Semantic Versioning 2.0, section 11.
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0");
        List<SemanticVersion> shuffled = new ArrayList<>(ordered.stream().map(SemanticVersion::parse).toList());
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(SemanticVersion::toString).containsExactlyElementsOf(ordered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.0", "01.0.0", "1.0.0-", "1.0.0+build", "v1.0.0", "1.0.0-01", "1.0.0 ", "9999999999.0.0"})
    void malformedVersionsAreRejected(String text) {
        assertThatThrownBy(() -> SemanticVersion.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "' is not a version");
    }

    @Test
    void roundTrips() {
        assertThat(SemanticVersion.parse("0.9.0-a2").toString()).isEqualTo("0.9.0-a2");
        assertThat(SemanticVersion.parse("0.9.0-a2").preRelease()).contains("a2");
        assertThat(SemanticVersion.parse("1.2.3").preRelease()).isEmpty();
    }
}
