package dev.stigmem.node.internal.cli;

import dev.stigmem.api.Capability;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stigmem capabilities}: the capability table, read from the api itself. */
final class CapabilitiesCommand implements Callable<Integer> {

    final CommandSpec spec;
    private final Arg<Boolean> guidance;

    CapabilitiesCommand() {
        CommandModel m = new CommandModel("capabilities", this,
                "List the capabilities a plugin can declare, with the accessor each gates, its impact and review guidance.");
        guidance = m.flag("--guidance", "Also print the review guidance of each capability.");
        spec = m.spec();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-18s %-24s %-18s %s%n", "CAPABILITY", "ACCESSOR", "HANDLE", "IMPACT");
        for (Capability c : Capability.values()) {
            out.printf(Locale.ROOT, "%-18s %-24s %-18s %s%n",
                    c.id(), c.accessorName() + "()", c.handleType().getSimpleName(), c.impact().label());
            if (guidance.value()) {
                out.printf(Locale.ROOT, "    %s%n", c.reviewGuidance());
            }
        }
        out.printf(Locale.ROOT, "%d capabilities%n", Capability.values().length);
        return ExitStatus.OK;
    }
}
