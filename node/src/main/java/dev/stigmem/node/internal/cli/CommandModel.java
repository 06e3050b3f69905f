package dev.stigmem.node.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One command's picocli model, built in code: its name and texts, then each option and positional
 * parameter with its name, label, type and help, each returning the {@link Arg} the command reads.
 * A command declares its whole command line in its constructor, one call per option.
 *
 * <p>Why not picocli's annotations: reading them cost every short command ({@code stigmem
 * --version}, {@code stigmem scan}) about 40 ms of CPU in a cold JVM, for a launcher that starts
 * in about 0.2 s: the JDK makes a dynamic proxy class for each annotation type through its internal
 * bytecode writer, interpreted, and no class archive can keep such classes. Built here, the model
 * is the one picocli built from the annotations (the same names, labels, arities, types, initial
 * values and texts), so usage, help and errors read as before; UsageGoldenTests pins them.
 */
final class CommandModel {
    private final CommandSpec spec;

    /**
     * A command named {@code name} that picocli runs as {@code command} (a {@link Runnable} or a
     * {@link java.util.concurrent.Callable} of the exit status), with the standard help options.
     */
    CommandModel(String name, Object command, String... description) {
        spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name);
        spec.usageMessage().description(description);
    }

    /** The lines after the options, under {@code heading} (picocli's format: %n is a line break). */
    CommandModel footer(String heading, String... lines) {
        spec.usageMessage().footerHeading(heading).footer(lines);
        return this;
    }

    /** The exit statuses listed in the help, as picocli's "status:meaning" lines. */
    CommandModel exitCodes(String heading, String... statuses) {
        Map<String, String> list = new LinkedHashMap<>();
        for (String s : statuses) {
            int colon = s.indexOf(':');
            list.put(s.substring(0, colon), s.substring(colon + 1));
        }
        spec.usageMessage().exitCodeListHeading(heading).exitCodeList(list);
        return this;
    }

    CommandModel versionProvider(CommandLine.IVersionProvider provider) {
        spec.versionProvider(provider);
        return this;
    }

    CommandModel subcommand(String name, CommandSpec subcommand) {
        spec.addSubcommand(name, subcommand);
        return this;
    }

    /** An option without a value: true when given. */
    Arg<Boolean> flag(String name, String... description) {
        Arg<Boolean> arg = new Arg<>(false);
        spec.addOption(flagBuilder(name, fieldLabel(name), description).getter(arg).setter(arg).build());
        return arg;
    }

    private static OptionSpec.Builder flagBuilder(String name, String label, String... description) {
        return likeAnnotated(OptionSpec.builder(name).paramLabel(label).type(boolean.class).description(description).initialValue(false));
    }

    /**
     * What picocli labels a flag read from a field: the field's name in angle brackets; the flags'
     * fields were named after the option ({@code --skip-rejected}: {@code <skipRejected>}). Never
     * shown in the help (a flag takes no value); kept so that no message can differ.
     */
    private static String fieldLabel(String option) {
        StringBuilder label = new StringBuilder("<");
        for (int i = 2; i < option.length(); i++) {
            char c = option.charAt(i);
            label.append(c == '-' && i + 1 < option.length() ? Character.toUpperCase(option.charAt(++i)) : c);
        }
        return label.append('>').toString();
    }

    /** The attributes picocli gives every option read from an annotated field, whatever its type. */
    private static OptionSpec.Builder likeAnnotated(OptionSpec.Builder builder) {
        return builder.hasInitialValue(true).descriptionKey("").prompt("");
    }

    /** The same for a positional parameter. */
    private static PositionalParamSpec.Builder likeAnnotated(PositionalParamSpec.Builder builder) {
        return builder.hasInitialValue(true).descriptionKey("").prompt("");
    }

    /** An option with one value, none when not given. */
    <T> Arg<T> option(String name, String label, Class<T> type, String... description) {
        return option(name, label, type, false, description);
    }

    /** An option with one value that must be given. */
    <T> Arg<T> requiredOption(String name, String label, Class<T> type, String... description) {
        return option(name, label, type, true, description);
    }

    private <T> Arg<T> option(String name, String label, Class<T> type, boolean required, String... description) {
        Arg<T> arg = new Arg<>(null);
        spec.addOption(likeAnnotated(OptionSpec.builder(name).paramLabel(label).type(type).required(required).description(description))
                .getter(arg).setter(arg).initialValue(null).build());
        return arg;
    }

    /** A repeatable option whose values are split at {@code split}, in the order given; empty when not given. */
    Arg<List<String>> listOption(String name, String label, String split, String... description) {
        Arg<List<String>> arg = new Arg<>(List.of());
        spec.addOption(likeAnnotated(OptionSpec.builder(name).paramLabel(label).type(List.class).auxiliaryTypes(String.class)
                .splitRegex(split).description(description))
                .getter(arg).setter(arg).initialValue(arg.value()).build());
        return arg;
    }

    /** A repeatable KEY=VALUE option, sorted by key; empty when not given. */
    Arg<Map<String, String>> mapOption(String name, String label, String... description) {
        Arg<Map<String, String>> arg = new Arg<>(new TreeMap<>());
        spec.addOption(likeAnnotated(OptionSpec.builder(name).paramLabel(label).type(Map.class).auxiliaryTypes(String.class, String.class)
                .description(description))
                .getter(arg).setter(arg).initialValue(arg.value()).build());
        return arg;
    }

    /** A required positional parameter at {@code index} (0 is the first). */
    <T> Arg<T> positional(int index, String label, Class<T> type, String... description) {
        Arg<T> arg = new Arg<>(null);
        spec.addPositional(likeAnnotated(PositionalParamSpec.builder().index(Integer.toString(index)).paramLabel(label).type(type).required(true)
                .description(description)).getter(arg).setter(arg).initialValue(null).build());
        return arg;
    }

    /** All positional parameters, none or more, in the order given. */
    <T> Arg<List<T>> positionals(String label, Class<T> type, String... description) {
        Arg<List<T>> arg = new Arg<>(new ArrayList<>());
        spec.addPositional(likeAnnotated(PositionalParamSpec.builder().index("0..*").arity("0..*").paramLabel(label).type(List.class)
                .auxiliaryTypes(type).description(description))
                .getter(arg).setter(arg).initialValue(arg.value()).build());
        return arg;
    }

    /**
     * The model, with the standard help options after the command's own, where picocli's
     * {@code mixinStandardHelpOptions} put them (it reads them from an annotated mixin of its own).
     */
    CommandSpec spec() {
        if (spec.findOption("--help") == null) {
            spec.addOption(flagBuilder("--help", "<helpRequested>", "Show this help message and exit.")
                    .names("-h", "--help").usageHelp(true).descriptionKey("mixinStandardHelpOptions.help").build());
            spec.addOption(flagBuilder("--version", "<versionRequested>", "Print version information and exit.")
                    .names("-V", "--version").versionHelp(true).descriptionKey("mixinStandardHelpOptions.version").build());
        }
        return spec;
    }
}
