package dev.stigmem.loader.internal.descriptor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequiresAllowlistTests {

    @Test
    void shippedListAllowsTheApiAndAFewJdkModulesEachWithAReason() {
        RequiresAllowlist list = RequiresAllowlist.defaults();
        assertThat(list.reasons().keySet()).containsExactly("dev.stigmem.api", "java.base", "java.logging");
        assertThat(list.reasons().values()).allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(list.reason("java.net.http")).isEmpty();
    }

    @Test
    void ruleWithoutAReasonIsRejectedNamingTheLine() {
        assertThatThrownBy(() -> RequiresAllowlist.parse("# header\n\njava.base @ ok\njava.sql\n", "ops.txt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ops.txt:4: expected 'module.name @ reason', found 'java.sql'");
    }

    @Test
    void malformedModuleNameAndDuplicatesAreRejected() {
        assertThatThrownBy(() -> RequiresAllowlist.parse("java..base @ typo", "x"))
                .hasMessageContaining("x:1: expected 'module.name @ reason'");
        assertThatThrownBy(() -> RequiresAllowlist.parse("java.base @ a\njava.base @ b", "x"))
                .hasMessage("x:2: module 'java.base' is listed twice");
    }

    @Test
    void operatorRuleExtendsTheList() {
        RequiresAllowlist list = RequiresAllowlist.defaults().with("java.xml", "config parsing, entities disabled");
        assertThat(list.reason("java.xml")).hasValue("config parsing, entities disabled");
        assertThatThrownBy(() -> RequiresAllowlist.defaults().with("java.xml", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
