package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** stigmem node --workload: steps run in order; a bad line names file:line before any node starts. */
class WorkloadTests {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int node(Path workload) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "node", "--plugins", plugins.toString(), "--workload", workload.toString());
    }

    @Test
    void stepsRunInOrderOnAnEmptyNode() throws IOException {
        Path w = Files.writeString(tmp.resolve("w.txt"), """
                # a comment
                say hello there
                tenant default | Default
                identity alice | tenants=default; team=tea
                assert alice | alice | likes | tea | default | source=notebook
                assert alice | alice |  | tea | default
                recall alice | default | tea | 5
                """);
        assertThat(node(w)).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("-- hello there")
                .contains("host adds tenant default")
                .contains("host puts identity alice")
                .contains("alice asserts (alice likes tea)")
                .contains("-> ok, fact f-00000001")
                .contains("DENIED at pre_assert_validate: subject and predicate must not be blank")
                .contains("-> ok, 1 hits: [f-00000001 alice likes tea score")
                .contains("identity.put");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "frobnicate x;                     :1: unknown step 'frobnicate'",
            "assert a | b | c;                 :1: 'assert' takes 5 or 6 fields separated by |, found 3",
            "recall a | default | tea | many;  :1: recall LIMIT 'many' is not a number",
            "recall a | default | tea | 0;     :1: recall LIMIT 0 is not between 1 and 1000",
            "identity a | tenants;             :1: attribute 'tenants' is not key=value",
            "identity a | t=x |  ;             :1: identity ROLES is empty; leave the third field out for an identity without roles",
            "identity a | t=x | admin, ;       :1: role '' must be a letter then at most 63 letters",
            "identity a | t=x | ad min;        :1: role 'ad min' must be a letter then at most 63 letters",
            "identity a | t=x | admin, admin;  :1: role 'admin' is given twice",
            "identity a | t=x | admin | more;  :1: 'identity' takes 2 or 3 fields separated by |, found 4"})
    void aBadLineNamesFileAndLineAndNoNodeStarts(String line, String message) throws IOException {
        Path w = Files.writeString(tmp.resolve("w.txt"), line + "\n");
        assertThat(node(w)).isEqualTo(2);
        assertThat(err.toString()).contains(w + message);
        assertThat(out.toString()).doesNotContain("plugins registered");
    }

    @Test
    void aStepTheNodeRefusesIsShownWithItsLineAndTheNextStepRuns() {
        NodeCommand.StepPrinter printer = new NodeCommand.StepPrinter(new PrintWriter(out, true));
        printer.at("w.txt:7");
        printer.step("host adds tenant x", () -> {
            throw new IllegalArgumentException("tenant id must not be blank");
        });
        printer.at("w.txt:8");
        printer.step("alice recalls", () -> "0 hits");
        assertThat(out.toString().lines()).containsExactly(
                String.format("%-44s -> %s", "host adds tenant x", "FAILED (w.txt:7): tenant id must not be blank"),
                String.format("%-44s -> %s", "alice recalls", "ok, 0 hits"));
    }

    @Test
    void demoAndWorkloadTogetherAreAUsageError() throws IOException {
        Path w = Files.writeString(tmp.resolve("w.txt"), "say hi\n");
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        assertThat(StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "node", "--plugins", plugins.toString(), "--workload", w.toString(), "--demo")).isEqualTo(2);
        assertThat(err.toString()).contains("--demo and --workload FILE both choose the workload");
    }

    @Test
    void identitiesCarryRolesThatAnAuthorizationHookDecidesBy() throws IOException {
        // A plugin allowing asserts only to principals holding the role 'writer', read through identity.read.
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.compile(plugins, "role-gate.jar", java.util.Map.of("com/example/gate/Gate.java", """
                package com.example.gate;
                import dev.stigmem.api.*;
                import dev.stigmem.api.hook.*;
                @StigmemPlugin(name = "role-gate", version = "1.0.0", requires = ">=0.9.0", capabilities = {"identity.read"})
                public final class Gate implements Plugin, PreAssertAuthorize {
                    @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                        boolean writer = c.getIdentityReader().flatMap(i -> i.lookup(r.principal()))
                                .map(i -> i.roles().contains("writer")).orElse(false);
                        return writer ? Vote.allow() : Vote.deny(r.principal() + " does not hold the role writer");
                    }
                }
                """), "com.example.gate.Gate");
        Path w = Files.writeString(tmp.resolve("w.txt"), """
                tenant default | Default
                identity alice | tenants=default | writer, reviewer
                identity bob | tenants=default
                assert alice | alice | likes | tea | default
                assert bob | bob | likes | tea | default
                """);
        assertThat(StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "node", "--plugins", plugins.toString(),
                "--trust-policy", PluginJars.development(tmp).toString(), "--workload", w.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("alice asserts (alice likes tea)").contains("-> ok, fact f-00000001")
                .contains("DENIED at pre_assert_authorize: bob does not hold the role writer")
                .contains("principal=alice, roles=reviewer,writer");
    }
}
