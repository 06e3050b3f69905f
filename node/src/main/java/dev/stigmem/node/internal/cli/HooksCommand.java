package dev.stigmem.node.internal.cli;

import dev.stigmem.api.hook.Hook;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stigmem hooks}: the hook table, read from the api's {@link Hook} enum. */
final class HooksCommand implements Callable<Integer> {

    final CommandSpec spec = new CommandModel("hooks", this,
            "List the hooks a plugin can handle, with semantic, ordering and the interface to implement.").spec();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-30s %-24s %-18s %s%n", "HOOK", "SEMANTIC", "ORDERING", "INTERFACE");
        for (Hook h : Hook.values()) {
            String semantic = h.semantic().name().toLowerCase(Locale.ROOT) + (h.strict() ? " (strict)" : "");
            out.printf(Locale.ROOT, "%-30s %-24s %-18s %s%n", h.id(), semantic,
                    h.ordering().name().toLowerCase(Locale.ROOT), h.handlerType().getSimpleName());
        }
        out.printf(Locale.ROOT, "%d hooks%n", Hook.values().length);
        return ExitStatus.OK;
    }
}
