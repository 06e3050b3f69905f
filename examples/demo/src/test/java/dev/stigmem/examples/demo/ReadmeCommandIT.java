package dev.stigmem.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, read from README.md and run as a process with the real launcher on
 * what this build packaged: if the README and the product drift apart, this fails.
 */
class ReadmeCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("stigmem.root", "../..")).toAbsolutePath().normalize();

    /** The first line of the README's first sh block that runs ./stigmem. */
    static List<String> readmeMainCommand() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("```sh");
        assertThat(start).as("README.md opens with a ```sh block").isGreaterThanOrEqualTo(0);
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
            if (lines.get(i).startsWith("./stigmem ")) {
                return Arrays.asList(lines.get(i).trim().split("\\s+"));
            }
        }
        throw new AssertionError("no ./stigmem command in the README's first sh block");
    }

    @Test
    void theReadmeMainCommandLoadsTheExamplesRejectsTheMisbehavingOnesAndRunsTheWorkload() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(readmeMainCommand());
        Path errFile = Files.createTempFile("readme-command-", ".err");
        // stderr to a file: reading two pipes one after the other can deadlock on a full buffer.
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectError(errFile.toFile());
        pb.environment().put("STIGMEM_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(errFile);
        Files.delete(errFile);

        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out)
                .contains("REJECTED examples/demo/target/plugins/bad-undeclared-accessor.jar")
                .contains("DENY capability.accessor: dev.stigmem.api.PluginContext#getFactsWriter()")
                .contains("REJECTED examples/demo/target/plugins/bad-raw-socket.jar")
                .contains("DENY network.raw: java.net.Socket")
                .contains("REJECTED examples/demo/target/plugins/bad-reflection.jar")
                .contains("8 plugins registered")
                // accepted by the scan, refused at run time by the JDK guard, shown in the trail
                .contains("fast-hash")
                .contains("jdk.denied")
                .contains("member=java.security.Provider#put")
                .contains("DENIED at pre_assert_validate: fact about 'bob' has no 'source' attribute")
                .contains("DENIED at pre_assert_authorize: anonymous asserts are not allowed")
                .contains("DENIED at pre_assert_authorize: principal 'bob' is not a member of tenant 'acme'")
                .contains("DENIED at pre_assert_authorize: subject 'alice' was forgotten")
                .contains("tombstones.subject_forgotten")
                .contains("webhook.delivery_failed")
                .contains("reason=the node does not provide network.outbound");
        // The recall after the tombstone no longer finds alice's fact.
        List<String> recalls = out.lines().filter(l -> l.startsWith("bob recalls 'tea'")).toList();
        assertThat(recalls).hasSize(2);
        assertThat(recalls.get(0)).contains("alice likes tea");
        assertThat(recalls.get(1)).doesNotContain("alice likes tea").contains("bob likes green tea");
    }
}
