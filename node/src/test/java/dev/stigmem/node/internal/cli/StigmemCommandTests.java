package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.hook.Hook;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

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
                "  scan          Pre-scan plugin archives", "  node          ",
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
    void aSubcommandRegistersOnlyItselfAndEverythingElseRegistersAll() {
        assertThat(StigmemCommand.subcommandsFor("scan", "--json", "x.jar")).containsExactly("scan");
        assertThat(StigmemCommand.subcommandsFor("plugins", "list")).containsExactly("plugins");
        assertThat(StigmemCommand.subcommandsFor("--version")).isEmpty();
        assertThat(StigmemCommand.subcommandsFor("-V")).isEmpty();
        List<String> all = StigmemCommand.SUBCOMMANDS;
        assertThat(StigmemCommand.subcommandsFor()).isEqualTo(all);
        assertThat(StigmemCommand.subcommandsFor("--help")).isEqualTo(all);
        assertThat(StigmemCommand.subcommandsFor("--version", "--help")).isEqualTo(all);
        assertThat(StigmemCommand.subcommandsFor("frobnicate")).isEqualTo(all);
        assertThat(StigmemCommand.subcommandsFor("-h", "scan")).isEqualTo(all);
        assertThat(StigmemCommand.subcommandsFor("@args.txt")).isEqualTo(all);
    }

    @Test
    void eachSubcommandIsRegisteredUnderTheNameItsModelGives() {
        for (String name : StigmemCommand.SUBCOMMANDS) {
            assertThat(StigmemCommand.subcommand(name).name()).isEqualTo(name);
        }
    }

    @Test
    void anUnknownSubcommandHasNoModel() {
        assertThatThrownBy(() -> StigmemCommand.subcommand("frobnicate")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frobnicate");
    }

    /**
     * A command class added to the package but not to the table would be unreachable. A command
     * class is one that runs and has a picocli model of its own (a {@code CommandSpec} field).
     */
    @Test
    void everyCommandOfThePackageIsASubcommandOrASubcommandsSubcommand() throws Exception {
        Path classes = Path.of(StigmemCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(StigmemCommand.class.getPackageName().replace('.', '/'));
        Set<Class<?>> commands = new HashSet<>();
        try (var files = Files.list(classes)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = StigmemCommand.class.getPackageName() + "." + f.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName(name, false, StigmemCommand.class.getClassLoader());
                boolean runs = Runnable.class.isAssignableFrom(c) || java.util.concurrent.Callable.class.isAssignableFrom(c);
                boolean hasModel = Arrays.stream(c.getDeclaredFields()).anyMatch(field -> field.getType() == CommandSpec.class);
                if (runs && hasModel && c != StigmemCommand.class) {
                    commands.add(c);
                }
            }
        }
        Set<Class<?>> reachable = new HashSet<>();
        List<CommandLine> todo = new ArrayList<>(StigmemCommand.commandLine("--help").getSubcommands().values());
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            reachable.add(c.getCommandSpec().userObject().getClass());
            todo.addAll(c.getSubcommands().values());
        }
        assertThat(commands).hasSizeGreaterThanOrEqualTo(12).containsExactlyInAnyOrderElementsOf(reachable);
    }

    @Test
    void aSubcommandRunsAndShowsItsHelpAsWhenAllAreRegistered() {
        assertThat(run("scan", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: stigmem scan ").contains("--sarif=FILE");
        assertThat(run("scan")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to scan: give ARCHIVE arguments or --plugins DIR");
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

    /** A summary or description paragraph reads as whole sentences: a capital first, a full stop last. */
    private static boolean wholeSentences(String text) {
        String t = text.strip();
        return !t.isEmpty() && Character.isUpperCase(t.charAt(0)) && t.endsWith(".");
    }

    @Test
    void theSentenceCheckCatchesATextCutMidSentence() {
        assertThat(wholeSentences("Install a plugin archive into a node's plugin directory: verify its")).isFalse();
        assertThat(wholeSentences("signatures against the trust policy.")).isFalse();
        assertThat(wholeSentences("Install a plugin archive.")).isTrue();
    }

    @Test
    void everyCommandsDescriptionIsWholeSentences() {
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(StigmemCommand.commandLine("--help")));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            all.add(c);
            todo.addAll(c.getSubcommands().values().stream().filter(s -> !s.getCommandSpec().equals(c.getCommandSpec())).distinct().toList());
        }
        assertThat(all).extracting(CommandLine::getCommandName).contains("install", "rollback", "uninstall", "list", "describe");
        for (CommandLine c : all) {
            String[] description = c.getCommandSpec().usageMessage().description();
            assertThat(description).as(c.getCommandName()).isNotEmpty();
            assertThat(description).as("description of %s", c.getCommandSpec().qualifiedName())
                    .allSatisfy(d -> assertThat(wholeSentences(d)).as(d).isTrue());
        }
    }

    @Test
    void theCommandListOfHelpShowsEachSummaryToItsFullStop() {
        assertThat(run("--help")).isZero();
        String help = out.toString();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit status:"));
        // An entry starts at two spaces and a name; wrapped lines of its summary are indented further.
        List<String> entries = new ArrayList<>();
        for (String line : commands.lines().skip(1).toList()) {
            if (line.isBlank()) {
                continue;
            }
            if (line.matches("  [a-z].*")) {
                entries.add(line.strip());
            } else {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
            }
        }
        assertThat(entries).hasSizeGreaterThanOrEqualTo(10);
        assertThat(entries).allSatisfy(e -> assertThat(e).as(help).endsWith("."));
        assertThat(help).contains("  install ").contains("  rollback ").contains("  uninstall ");
    }
}
