package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The node configuration plugins with config.read see: --config-file, then --config over it; bad input is a usage error. */
class NodeConfigurationTests {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private NodeCommand.NodeOptions parse(String... args) {
        NodeCommand command = new NodeCommand();
        new CommandLine(command.spec).parseArgs(args);
        return command.options;
    }

    @Test
    void theFileIsReadAndTheCommandLineWins() throws IOException {
        Path file = Files.writeString(tmp.resolve("node.conf"), """
                # webhook settings
                webhook.url = https://hooks.example.com:443/stigmem
                webhook.secret=s3cr=et

                quota.per-subject=5
                """);
        NodeCommand.NodeOptions o = parse("--plugins", tmp.toString(), "--config-file", file.toString(), "--config", "quota.per-subject=9");
        assertThat(o.configuration()).containsExactly(
                java.util.Map.entry("quota.per-subject", "9"),
                java.util.Map.entry("webhook.secret", "s3cr=et"),
                java.util.Map.entry("webhook.url", "https://hooks.example.com:443/stigmem"));
    }

    @Test
    void aLineWithoutAnEqualsSignNamesFileAndLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("node.conf"), "a=1\njust words\n");
        int status = StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "node", "--plugins", tmp.toString(), "--config-file", file.toString());
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(file + ":2: expected KEY=VALUE");
    }

    @Test
    void aKeyGivenTwiceOrABadKeyIsRefused() throws IOException {
        Path twice = Files.writeString(tmp.resolve("twice.conf"), "a=1\na=2\n");
        assertThat(StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "node", "--plugins", tmp.toString(), "--config-file", twice.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(twice + ":2: key 'a' is given twice");
        assertThat(StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "node", "--plugins", tmp.toString(), "--config", "bad key=1")).isEqualTo(2);
        assertThat(err.toString()).contains("configuration key 'bad key' must be letters");
    }
}
