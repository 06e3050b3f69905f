package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's usage, help, version and usage errors, byte for byte: usage.golden holds,
 * for each command line it lists ({@code === stigmem ARGS}), the exit status, standard output and
 * standard error the launcher gave when the commands' models were read from picocli's annotations.
 * The models are built in code now (CommandModel); this keeps them what they were.
 * {@code <version>} stands for the version lines, which name the build and the JDK.
 */
class UsageGoldenTests {

    @TempDir
    Path tmp;

    private static String golden() throws IOException {
        try (InputStream in = UsageGoldenTests.class.getResourceAsStream("usage.golden")) {
            assertThat(in).as("usage.golden on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One golden section: the command line, then what it gave. */
    private static String run(String commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        String version = String.join("\n", new StigmemCommand.Version().getVersion()) + "\n";
        return "=== " + commandLine + "\nexit " + status + "\n--- out\n" + out.toString().replace(version, "<version>\n")
                + "--- err\n" + err;
    }

    private static List<String> commandLines(String golden) {
        List<String> lines = new ArrayList<>();
        for (String line : golden.split("\n", -1)) {
            if (line.startsWith("=== ")) {
                lines.add(line.substring(4));
            }
        }
        return lines;
    }

    @Test
    void everyCommandLineGivesWhatTheGoldenFileHolds() throws IOException {
        String golden = golden();
        List<String> commandLines = commandLines(golden);
        assertThat(commandLines).hasSizeGreaterThanOrEqualTo(60);
        StringBuilder actual = new StringBuilder();
        for (String commandLine : commandLines) {
            String[] words = commandLine.split(" ");
            assertThat(words[0]).isEqualTo("stigmem");
            actual.append(run(commandLine, Arrays.copyOfRange(words, 1, words.length)));
        }
        assertThat(actual.toString()).isEqualTo(golden);
    }

    @Test
    void theGoldenFileCoversEveryCommandsHelpAndTheUsageErrors() throws IOException {
        List<String> commandLines = commandLines(golden());
        for (String name : StigmemCommand.SUBCOMMANDS) {
            assertThat(commandLines).contains("stigmem " + name + " --help");
        }
        assertThat(commandLines).contains("stigmem", "stigmem --help", "stigmem --version", "stigmem plugins list --help",
                "stigmem plugins describe --help", "stigmem frobnicate", "stigmem scan --frob", "stigmem scan --policy",
                "stigmem node --plugins p --handler-timeout-ms abc", "stigmem install a.jar");
    }

    /** The comparison is not blind: a changed help text shows. */
    @Test
    void aDifferentOutputDoesNotMatchItsSection() throws IOException {
        assertThat(golden()).doesNotContain(run("stigmem scan --help", "scan", "--help").replace("Pre-scan", "Prescan"));
        assertThat(golden()).contains(run("stigmem scan --help", "scan", "--help"));
    }

    /** picocli reads arguments from an @file: the words of the file, one a line. */
    @Test
    void anAtFileGivesTheCommandLineItHolds() throws IOException {
        Path args = Files.writeString(tmp.resolve("args.txt"), "scan\n--help\n");
        String viaFile = run("stigmem scan --help", "@" + args);
        assertThat(golden()).contains(viaFile);
    }
}
