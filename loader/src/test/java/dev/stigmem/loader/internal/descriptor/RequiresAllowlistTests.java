package dev.stigmem.loader.internal.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanPolicy;
import org.junit.jupiter.api.Test;

class RequiresAllowlistTests {

    @Test
    void shippedPolicyAllowsTheApiAndJavaBaseEachWithAReason() {
        RequiresAllowlist list = RequiresAllowlist.from(ScanPolicy.shipped());
        assertThat(list.reasons().keySet()).containsExactly("dev.stigmem.api", "java.base");
        assertThat(list.reasons().values()).allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(list.reason("java.logging")).isEmpty();
    }

    @Test
    void operatorPolicyAddsModulesWithItsReason() {
        ScanPolicy policy = ScanPolicy.shipped().withOperatorPolicy("ops.policy",
                "@rule ops.logging Plugins on this node may log through java.util.logging\n"
                        + "allow-module java.logging\nallow-package java.util.logging\n");
        RequiresAllowlist list = RequiresAllowlist.from(policy);
        assertThat(list.reasons().keySet()).containsExactly("dev.stigmem.api", "java.base", "java.logging");
        assertThat(list.reason("java.logging")).contains("Plugins on this node may log through java.util.logging");
    }
}
