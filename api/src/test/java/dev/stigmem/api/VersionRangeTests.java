package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionRangeTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ">=0.9.0         | 0.9.0       | true",
        ">=0.9.0         | 0.8.9       | false",
        ">=0.9.0         | 0.9.0-rc.1  | false",
        ">0.9.0          | 0.9.0       | false",
        "<=1.0.0         | 1.0.0       | true",
        "<1.0.0          | 1.0.0-rc.1  | true",
        "=1.2.3          | 1.2.3       | true",
        "=1.2.3          | 1.2.4       | false",
        ">=0.9.0,<2.0.0  | 1.9.9       | true",
        ">=0.9.0,<2.0.0  | 2.0.0       | false",
        ">= 0.9.0 , < 2.0.0 | 0.9.1    | true",
    })
    void includes(String range, String version, boolean expected) {
        assertThat(VersionRange.parse(range).includes(SemanticVersion.parse(version))).isEqualTo(expected);
    }

    @Test
    void malformedRangesNameThePart() {
        assertThatThrownBy(() -> VersionRange.parse("")).hasMessageContaining("version range is empty");
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0,")).hasMessageContaining("'' does not start with");
        assertThatThrownBy(() -> VersionRange.parse("^1.0.0")).hasMessageContaining("'^1.0.0' does not start with");
        assertThatThrownBy(() -> VersionRange.parse(">=1.0")).hasMessage("version range '>=1.0': '1.0' is not a version MAJOR.MINOR.PATCH with an optional -pre-release");
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0,".repeat(9) + ">=1.0.0")).hasMessageContaining("more than 8 comparators");
    }
}
