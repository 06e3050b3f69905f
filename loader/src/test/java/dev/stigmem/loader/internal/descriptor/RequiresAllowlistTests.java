package dev.stigmem.loader.internal.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanPolicy;
import org.junit.jupiter.api.Test;

class RequiresAllowlistTests {

    @Test
    void shippedPolicyAllowsTheApiAndJavaBaseEachWithAReason() {
        RequiresAllowlist list = RequiresAllowlist.from(ScanPolicy.shipped());
        assertThat(list.reasons().keySet()).containsExactly("dev.stigmem.api", "java.base", "java.compiler", "java.desktop", "java.logging",
                "java.scripting", "java.sql", "java.xml");
        assertThat(list.reasons().values()).allSatisfy(r -> assertThat(r).isNotBlank());
        assertThat(list.reason("java.management")).isEmpty();
    }

    @Test
    void operatorPolicyAddsModulesWithItsReason() {
        ScanPolicy policy = ScanPolicy.shipped().withOperatorPolicy("ops.policy",
                "@rule ops.naming Plugins on this node may use JNDI names\n"
                        + "allow-module java.naming\nallow-package javax.naming\n");
        RequiresAllowlist list = RequiresAllowlist.from(policy);
        assertThat(list.reasons().keySet()).containsExactly("dev.stigmem.api", "java.base", "java.compiler", "java.desktop", "java.logging",
                "java.naming", "java.scripting", "java.sql", "java.xml");
        assertThat(list.reason("java.naming")).contains("Plugins on this node may use JNDI names");
    }
}
