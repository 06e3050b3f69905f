package dev.stigmem.node.internal.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code stigmem} launcher's entry point. Exit status: 0 ok, 1 rejected or violations found,
 * 2 usage or input error (see {@link ExitStatus}).
 */
public final class StigmemCommand implements Runnable {

    /**
     * The subcommands' names, in the order {@code --help} lists them (see {@link #subcommand}).
     * Registered with picocli only when the command line needs them (see {@link #subcommandsFor}):
     * picocli builds the model of every registered command before it parses anything, which made a
     * short command pay for the classes of all the others.
     */
    static final List<String> SUBCOMMANDS = List.of("scan", "review", "diff", "install", "rollback", "uninstall", "node",
            "plugins", "capabilities", "hooks");

    final CommandSpec spec = new CommandModel("stigmem", this,
            "Run third-party Java plugins without trusting them: scan, review, install, roll back and load Stigmem plugins.")
            .versionProvider(new Version())
            .exitCodes("%nExit status:%n", "0:ok", "1:archive rejected or violations found", "2:usage or input error")
            .spec();

    /** The model of the subcommand named {@code name}, one of {@link #SUBCOMMANDS}, with a new command behind it. */
    static CommandSpec subcommand(String name) {
        return switch (name) {
            case "scan" -> new ScanCommand().spec;
            case "review" -> new ReviewCommand().spec;
            case "diff" -> new DiffCommand().spec;
            case "install" -> new InstallCommand().spec;
            case "rollback" -> new RollbackCommand().spec;
            case "uninstall" -> new UninstallCommand().spec;
            case "node" -> new NodeCommand().spec;
            case "plugins" -> new PluginsCommand().spec;
            case "capabilities" -> new CapabilitiesCommand().spec;
            case "hooks" -> new HooksCommand().spec;
            default -> throw new IllegalArgumentException("no subcommand '" + name + "'");
        };
    }

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
        cl.setExecutionStrategy(parseResult -> {
            if (runsASubcommand(parseResult)) {
                bindLogging();
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("stigmem: " + ex.getMessage());
            return ExitStatus.of(ex);
        });
        return cl.execute(args);
    }

    /** Whether this command line runs a subcommand, rather than printing help or the version. */
    private static boolean runsASubcommand(CommandLine.ParseResult parseResult) {
        if (!parseResult.hasSubcommand()) {
            return false;
        }
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Binds SLF4J before a subcommand first logs, with the platform class loader as the thread's context
     * loader. The binding looks for its configuration file through that loader (slf4j-simple's
     * simplelogger.properties), and through the application loader the lookup opened every jar of the
     * module path, none of which holds one: about 5 ms of CPU in every command that logs. The binding's
     * system properties ({@code -Dorg.slf4j.simpleLogger.*}) configure it as before, and SLF4J finds the
     * binding itself through its own class loader, not the context one.
     */
    static void bindLogging() {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    /** The picocli model for these arguments: the top-level command and the subcommands they need. */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new StigmemCommand().spec);
        for (String name : subcommandsFor(args)) {
            cl.addSubcommand(name, subcommand(name));
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
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            return List.of(args[0]);
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        return SUBCOMMANDS;
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
