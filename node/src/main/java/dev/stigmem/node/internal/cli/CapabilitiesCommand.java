package dev.stigmem.node.internal.cli;

import dev.stigmem.api.Capability;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stigmem capabilities}: the capability table, read from the api itself. */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
        description = "List the capabilities a plugin can declare, with the accessor each gates, its impact and review guidance.")
final class CapabilitiesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--guidance", description = "Also print the review guidance of each capability.")
    boolean guidance;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-18s %-24s %-18s %s%n", "CAPABILITY", "ACCESSOR", "HANDLE", "IMPACT");
        for (Capability c : Capability.values()) {
            out.printf(Locale.ROOT, "%-18s %-24s %-18s %s%n",
                    c.id(), c.accessorName() + "()", c.handleType().getSimpleName(), c.impact().label());
            if (guidance) {
                out.printf(Locale.ROOT, "    %s%n", c.reviewGuidance());
            }
        }
        out.printf(Locale.ROOT, "%d capabilities%n", Capability.values().length);
        return ExitStatus.OK;
    }
}
