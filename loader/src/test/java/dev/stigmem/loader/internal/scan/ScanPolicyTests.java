package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanPolicyException;
import dev.stigmem.loader.scan.ScanReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file format, the shipped policy, and what an operator policy may and may not do. */
class ScanPolicyTests {

    private static final String SOURCE = """
            package p;
            public final class Uses {
                String name() { return Thread.currentThread().getName(); }
                long mgmt() { return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(); }
            }
            """;

    private static ScanReport scan(ScanPolicy policy) {
        return TestArchives.everyMethod(archive(compile(Map.of("p/Uses.java", SOURCE))), manifest(), policy);
    }

    @Test
    void shippedPolicyHasAReasonOnEveryRule() {
        assertThat(ScanPolicy.shipped().rules()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.reason()).isNotBlank();
            assertThat(r.source()).startsWith(ScanPolicy.SHIPPED_RESOURCE + ":");
        });
    }

    @Test
    void unknownDirectiveIsRejectedWithFileAndLine() {
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                # operator additions
                @rule ops.extra Extra care
                forbid-member java.lang.Thread#getName
                """))
                .isInstanceOf(ScanPolicyException.class)
                .hasMessage("ops.policy:3: unknown directive 'forbid-member'");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@defaultMessage x\n"))
                .hasMessage("ops.policy:1: unknown directive '@defaultMessage'");
    }

    @Test
    void malformedLinesAreRejectedWithFileAndLine() {
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "deny-class java.lang.Thread\n"))
                .hasMessage("ops.policy:1: rule outside a group; start one with '@rule ID REASON'");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@rule ops.x\n"))
                .hasMessage("ops.policy:1: expected '@rule ID REASON' with ID like 'vm.exit'");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@rule ops.x Why\ndeny-member java.lang.Thread\n"))
                .hasMessage("ops.policy:2: 'java.lang.Thread' is not a member; expected Class#name");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@rule ops.x Why\n\ndeny-class java..Thread\n"))
                .hasMessage("ops.policy:3: 'java..Thread' is not a valid Java name");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@rule capability.unused Why\n"))
                .hasMessage("ops.policy:1: rule id 'capability.unused' is reserved for the scanner");
    }

    @Test
    void operatorDenyRuleTripsWithItsReason() {
        ScanPolicy policy = ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.thread-names Thread names leak deployment details
                deny-member java.lang.Thread#getName
                """);

        ScanReport report = scan(policy);

        assertThat(brief(report.findings())).containsExactly(
                "DENY ops.thread-names java.lang.Thread#getName()Ljava/lang/String; @ p.Uses.name()Ljava/lang/String;:3",
                "WARN reference.unlinkable java.lang.management.ManagementFactory @ p.Uses.mgmt()J:4",
                "WARN reference.unlinkable java.lang.management.RuntimeMXBean @ p.Uses.mgmt()J:4");
        assertThat(report.findings().get(0).reason()).isEqualTo("Thread names leak deployment details");
    }

    @Test
    void operatorAllowPackageAllowsAPackageOutsideTheShippedAllowlist(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("operator.policy");
        Files.writeString(file, """
                @rule ops.management Uptime for the plugin's health check
                allow-module java.management
                allow-package java.lang.management
                """);

        ScanReport report = scan(ScanPolicy.shipped().withOperatorPolicy(file));

        assertThat(report.findings()).isEmpty();
    }

    @Test
    void operatorCannotRelaxAShippedDeny() {
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.unsafe We know what we are doing
                allow-package sun.misc
                """))
                .isInstanceOf(ScanPolicyException.class)
                .hasMessageStartingWith("ops.policy:2: 'allow-package sun.misc' would relax deny-package sun.** of shipped-scan-policy.txt:");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.all Everything
                allow-package java.**
                """))
                .hasMessageContaining("would relax deny-package java.net.http");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.host Host access

                allow-module dev.stigmem.node
                """))
                .hasMessage("ops.policy:3: 'allow-module dev.stigmem.node' would let a plugin read a host module;"
                        + " plugins reach the host only through dev.stigmem.api");
        assertThat(ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.logging Plugins may log through java.util.logging
                allow-module java.logging
                allow-package java.util.logging
                """).rules()).hasSize(ScanPolicy.shipped().rules().size() + 2);
    }

    @Test
    void aPackageRuleWithStarsCoversItsPackageAndThoseBelowOnly() {
        PolicyRule tree = new PolicyRule(PolicyRule.Kind.DENY_PACKAGE, "x.y", "r", "java/net/**", java.util.Optional.empty(),
                java.util.Optional.empty(), "t:1");
        assertThat(tree.coversPackage("java/net")).isTrue();
        assertThat(tree.coversPackage("java/net/http")).isTrue();
        assertThat(tree.coversPackage("java/net/http/x")).isTrue();
        assertThat(tree.coversPackage("java/netx")).isFalse();
        assertThat(tree.coversPackage("java/ne")).isFalse();
        assertThat(tree.coversPackage("java")).isFalse();
        assertThat(tree.coversPackage("javax/net")).isFalse();
        assertThat(tree.coversPackage("")).isFalse();
        PolicyRule exact = new PolicyRule(PolicyRule.Kind.DENY_PACKAGE, "x.y", "r", "java/net", java.util.Optional.empty(),
                java.util.Optional.empty(), "t:1");
        assertThat(exact.coversPackage("java/net")).isTrue();
        assertThat(exact.coversPackage("java/net/http")).isFalse();
    }

    @Test
    void denyWinsOverAReviewOrAllowOfTheSameMember() {
        ScanPolicy policy = ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.review Review exits
                review-member java.lang.System#exit
                """);

        var rules = policy.rules().stream().filter(r -> r.member().equals(java.util.Optional.of("exit"))).toList();
        // System#exit is a guard-member line: a deny of the scan that the runtime guard enforces as well.
        assertThat(rules).extracting(PolicyRule::kind).contains(PolicyRule.Kind.GUARD_MEMBER, PolicyRule.Kind.REVIEW_MEMBER);
        ScanReport report = TestArchives.everyMethod(archive(compile(Map.of("p/Exit.java", """
                package p;
                final class Exit { void exit() { System.exit(1); } }
                """))), manifest(), policy);
        assertThat(brief(report.findings())).containsExactly("DENY vm.exit java.lang.System#exit(I)V @ p.Exit.exit()V:2");
    }
}
