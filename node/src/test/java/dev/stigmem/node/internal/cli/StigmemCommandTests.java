package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.Capability;
import dev.stigmem.api.hook.Hook;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StigmemCommandTests {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsTheSubcommandsAndExitStatuses() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: stigmem", "capabilities", "hooks",
                "1   archive rejected or violations found", "2   usage or input error");
    }

    @Test
    void versionNamesTheProductAndTheJava() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("stigmem ").contains("Java " + Runtime.version());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'frobnicate'");
    }

    @Test
    void capabilitiesPrintsTheApiTable() {
        assertThat(run("capabilities", "--guidance")).isZero();
        for (Capability c : Capability.values()) {
            assertThat(out.toString()).contains(c.id(), c.accessorName() + "()", c.reviewGuidance());
        }
        assertThat(out.toString()).endsWith(Capability.values().length + " capabilities" + System.lineSeparator());
    }

    @Test
    void hooksPrintsTheHookTable() {
        assertThat(run("hooks")).isZero();
        for (Hook h : Hook.values()) {
            assertThat(out.toString()).contains(h.id(), h.handlerType().getSimpleName());
        }
        assertThat(out.toString()).contains("fire_and_forget (strict)").contains("22 hooks");
    }
}
