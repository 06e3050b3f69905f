package dev.stigmem.node.internal.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:ok", "1:archive rejected or violations found", "2:usage or input error"})
public final class StigmemCommand implements Runnable {

    /**
     * The subcommands by name, in the order {@code --help} lists them. Registered with picocli only
     * when the command line needs them (see {@link #subcommandsFor}): picocli reflects over, and
     * instantiates, every registered command before it parses anything, which made a short command
     * pay for the classes of all the others.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("scan", ScanCommand.class);
        m.put("review", ReviewCommand.class);
        m.put("diff", DiffCommand.class);
        m.put("install", InstallCommand.class);
        m.put("rollback", RollbackCommand.class);
        m.put("uninstall", UninstallCommand.class);
        m.put("node", NodeCommand.class);
        m.put("plugins", PluginsCommand.class);
        m.put("capabilities", CapabilitiesCommand.class);
        m.put("hooks", HooksCommand.class);
        return m;
    }

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
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(ExitStatus::of);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("stigmem: " + ex.getMessage());
            return ExitStatus.of(ex);
        });
        return cl.execute(args);
    }

    /** The picocli model for these arguments: the top-level command and the subcommands they need. */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new StigmemCommand());
        for (String name : subcommandsFor(args)) {
            cl.addSubcommand(name, SUBCOMMANDS.get(name));
        }
        return cl;
    }

    /**
     * The subcommands this command line needs registered for picocli to treat it exactly as with all
     * of them: the one it names, when its first argument is a subcommand name (the top-level command
     * has only the help and version options, none of which takes a value, so a subcommand can only
     * come first); none for a bare version request; all of them otherwise (the top-level usage
     * lists them, an unknown name or an {@code @file} argument needs the whole table).
     */
    static List<String> subcommandsFor(String... args) {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            return List.of(args[0]);
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        return List.copyOf(SUBCOMMANDS.keySet());
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
