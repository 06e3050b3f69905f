package dev.stigmem.node.internal.cli;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stigmem} launcher's entry point. Exit status: 0 ok, 1 rejected or violations found,
 * 2 usage or input error (see {@link ExitStatus}).
 */
@Command(name = "stigmem",
        mixinStandardHelpOptions = true,
        versionProvider = StigmemCommand.Version.class,
        description = "Run third-party Java plugins without trusting them: scan, review, install, roll back and load Stigmem plugins.",
        subcommands = {ScanCommand.class, ReviewCommand.class, DiffCommand.class, InstallCommand.class, RollbackCommand.class, UninstallCommand.class, NodeCommand.class, PluginsCommand.class, CapabilitiesCommand.class, HooksCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:ok", "1:archive rejected or violations found", "2:usage or input error"})
public final class StigmemCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is rather than doing nothing silently.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit status (for tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new StigmemCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(ExitStatus::of);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("stigmem: " + ex.getMessage());
            return ExitStatus.of(ex);
        });
        return cl.execute(args);
    }

    /** The version is the module's, set by the build from the project version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Optional.ofNullable(StigmemCommand.class.getModule().getDescriptor())
                    .flatMap(d -> d.rawVersion())
                    .orElse("unknown (not run as a module)");
            return new String[] {"stigmem " + v, "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}
