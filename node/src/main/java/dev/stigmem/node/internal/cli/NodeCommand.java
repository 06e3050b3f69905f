package dev.stigmem.node.internal.cli;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.node.NodeStartException;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.node.PluginInfo;
import dev.stigmem.node.StigmemNode;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stigmem node}: start a node on a plugin directory and serve until stopped (or run the demo workload). */
final class NodeCommand implements Callable<Integer> {

    final CommandSpec spec;
    final NodeOptions options;
    private final Arg<Boolean> demo;
    private final Arg<Path> workload;

    NodeCommand() {
        CommandModel m = new CommandModel("node", this,
                "Start a node on a plugin directory and serve until it is stopped.",
                "The node verifies, scans, loads, registers and starts every plugin first.",
                "With --workload FILE or --demo, it runs a scripted workload (asserts, recalls, the audit trail) and stops.");
        options = new NodeOptions(m);
        demo = m.flag("--demo", "Run a short built-in workload over the started node, print what happened and the audit trail, and stop.");
        workload = m.option("--workload", "FILE", Path.class,
                "Like --demo, with the steps of FILE (tenant, identity, say, assert, recall; see examples/demo/workload.txt).");
        spec = m.spec();
    }

    @Override
    public Integer call() throws Exception {
        boolean demo = this.demo.value();
        Path workload = this.workload.value();
        PrintWriter out = spec.commandLine().getOut();
        if (demo && workload != null) {
            throw new IllegalArgumentException("--demo and --workload FILE both choose the workload; give one");
        }
        // Read before the node starts: a bad workload line should not cost a node start.
        Workload steps = workload == null ? null : Workload.read(workload);
        // Before the start: a signal during startup stops the node as soon as it has started.
        try (ShutdownSignals signals = ShutdownSignals.install()) {
            StigmemNode node;
            try {
                node = options.start(out);
            } catch (NodeStartException e) {
                spec.commandLine().getErr().println("stigmem: " + e.getMessage());
                return ExitStatus.REJECTED;
            }
            // Closed here, by this thread, to the end: plugins stopped in reverse order, then node.stopped.
            try (node) {
                return serve(node, out, steps, signals);
            }
        }
    }

    private int serve(StigmemNode node, PrintWriter out, Workload steps, ShutdownSignals signals) {
        for (StigmemNode.Rejection r : node.rejected()) {
            out.printf(Locale.ROOT, "REJECTED %s (skipped, as --skip-rejected asks):%n  %s%n%n", r.archive(),
                    r.reason().replace("\n", "\n  ").stripTrailing());
        }
        PluginsCommand.printTable(out, node.plugins());
        if (demo.value() || steps != null) {
            out.println();
            out.println("== workload");
            StepPrinter printer = new StepPrinter(out, signals::stopRequested);
            if (steps != null) {
                steps.run(node, printer);
            } else {
                runDemo(node, printer);
            }
            // Health after the work: a plugin quarantined or stuck meanwhile shows here.
            out.println();
            out.println("== plugins after the workload");
            PluginsCommand.printTable(out, node.plugins());
            printAudit(node, out);
            return ExitStatus.OK;
        }
        out.printf(Locale.ROOT, "node serving %d plugins; audit trail %s; stop with Ctrl-C%n", node.plugins().size(),
                node.auditFile().map(Path::toString).orElse("in memory"));
        out.flush();
        String cause = signals.awaitStop();
        out.printf(Locale.ROOT, "stopping (%s)%n", cause);
        out.flush();
        return ExitStatus.OK;
    }

    private static void runDemo(StigmemNode node, StepPrinter out) {
        out.step("alice asserts (alice likes tea)", () -> "fact " + node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")).id());
        out.step("bob asserts (bob likes green tea)", () -> "fact " + node.assertFact("bob", FactDraft.of("bob", "likes", "green tea", "default")).id());
        out.step("anonymous asserts (x y z)", () -> "fact " + node.assertFact("anonymous", FactDraft.of("x", "y", "z", "default")).id());
        out.step("alice recalls 'tea'", () -> hits(node.recall("alice", new RecallQuery("default", "tea", 10))));
    }

    /** Recall hits one a line's worth: facts are what plugins wrote or transformed, so each field is bounded and escaped. */
    static String hits(List<RecallHit> hits) {
        StringBuilder b = new StringBuilder(hits.size() + " hits:");
        for (RecallHit h : hits) {
            b.append(String.format(Locale.ROOT, " [%s %s %s %s score %.1f]", shown(h.fact().id()), shown(h.fact().subject()),
                    shown(h.fact().predicate()), shown(h.fact().object()), h.score()));
        }
        return b.toString();
    }

    private static String shown(String field) {
        return PluginText.bounded(field, SHOWN_LIMIT);
    }

    /** The longest value shown of one fact field or audit attribute on the console. */
    private static final int SHOWN_LIMIT = 100;

    private static void printAudit(StigmemNode node, PrintWriter out) {
        out.println();
        out.println("== audit trail (newest 40)");
        for (AuditEvent e : node.audit().recent(40)) {
            java.util.Map<String, String> shown = new java.util.TreeMap<>();
            // One line per event here; the trail itself keeps every value whole (a scan report, say).
            // Plugins' own events hold their text as given: escaped here, so no value can forge a line.
            e.attributes().forEach((k, v) -> {
                String first = v.lines().findFirst().orElse("");
                shown.put(shown(k), first.equals(v) ? shown(v) : shown(first) + " ...");
            });
            out.printf(Locale.ROOT, "%4d %-22s %-30s %s%n", e.sequence(), shown(e.actor()), shown(e.action()), shown);
        }
    }

    /** What a workload step does; returns what to print after "ok, ". */
    interface Step {
        String run();
    }

    /** Prints workload steps one a line, with their outcome: ok, denied at a hook, or failed. */
    static final class StepPrinter {
        /** A step's outcome: a failure's message (plugin text in it bounded at PluginText.LIMIT) with room for the node's words. */
        private static final int STEP_LIMIT = 4 * PluginText.LIMIT;
        private final PrintWriter out;
        private final java.util.function.Supplier<java.util.Optional<String>> stop;
        private String where = "";

        StepPrinter(PrintWriter out) {
            this(out, java.util.Optional::empty);
        }

        /** @param stop what asked the node to stop (a signal), when something did: the workload ends before its next step */
        StepPrinter(PrintWriter out, java.util.function.Supplier<java.util.Optional<String>> stop) {
            this.out = out;
            this.stop = stop;
        }

        /** What asked the node to stop, if anything did. */
        java.util.Optional<String> stopRequested() {
            return stop.get();
        }

        /** Where the next step comes from (file:line), named when it fails. */
        void at(String location) {
            this.where = location;
        }

        void say(String text) {
            out.println();
            out.println("-- " + text);
        }

        void step(String what, Step step) {
            String result;
            try {
                result = "ok, " + step.run();
            } catch (OperationDeniedException e) {
                result = "DENIED at " + e.hook().id() + ": " + e.reason();
            } catch (PluginExecutionError e) {
                result = "FAILED: " + e.getMessage();
            } catch (RuntimeException e) {
                // The node refused the step itself (a value it does not accept): show it and go on.
                result = "FAILED" + (where.isEmpty() ? "" : " (" + where + ")") + ": " + e.getMessage();
            }
            // One line, whatever a reason or message holds (the node's texts are escaped already;
            // escaping is idempotent, so this only catches what came another way).
            out.printf(Locale.ROOT, "%-44s -> %s%n", what, PluginText.bounded(result, STEP_LIMIT));
        }
    }

    /** Options every command that starts a node shares. */
    static final class NodeOptions {
        final Arg<Path> plugins;
        private final Arg<Path> data;
        private final Arg<Boolean> repairAudit;
        private final Arg<Path> work;
        private final Arg<List<String>> outbound;
        private final Arg<Path> trustPolicy;
        private final Arg<Boolean> skipRejected;
        private final Arg<Path> scanPolicy;
        private final Arg<Integer> timeoutMs;
        private final Arg<Integer> lifecycleTimeoutMs;
        private final Arg<Integer> quarantineAfter;
        private final Arg<java.util.Map<String, String>> config;
        private final Arg<Path> configFile;

        /** Adds the options to {@code command}'s model. */
        NodeOptions(CommandModel command) {
            plugins = command.requiredOption("--plugins", "DIR", Path.class, "The node's plugin directory.");
            data = command.option("--data", "DIR", Path.class, "Where the node keeps its audit trail (audit.jsonl); default: in memory.");
            repairAudit = command.flag("--repair-audit",
                    "Start on a damaged audit trail (DATA/audit.jsonl): move it aside from its first bad line to the end, "
                            + "to a dated file next to it, audited as node.audit_repaired. A torn last line (a write a crash cut short) "
                            + "is moved aside without it.");
            work = command.option("--work", "DIR", Path.class, "Where the loader keeps private copies of archives; default: the temp directory.");
            outbound = command.listOption("--allow-outbound", "ORIGIN", ",",
                    "Origins (scheme://host:port) plugins holding network.outbound may reach.");
            trustPolicy = command.option("--trust-policy", "FILE", Path.class,
                    "The node's trust policy (trusted and override publishers, development mode); default: signing required, nobody trusted.");
            skipRejected = command.flag("--skip-rejected",
                    "Start without plugins that fail a step (and their dependents) instead of refusing to start; audited.");
            scanPolicy = command.option("--scan-policy", "FILE", Path.class, "An operator policy file extending the shipped scan policy.");
            timeoutMs = command.option("--handler-timeout-ms", "MS", Integer.class,
                    "Time limit of each plugin handler call (1 to 30000); default: none.");
            lifecycleTimeoutMs = command.option("--lifecycle-timeout-ms", "MS", Integer.class,
                    "Time limit of each plugin's construction, start, stop and health check (1 to 300000); default: 10000.");
            quarantineAfter = command.option("--quarantine-after", "N", Integer.class,
                    "Quarantine a plugin after N consecutive handler failures or time-outs (1 to 1000); default: 5.");
            config = command.mapOption("--config", "KEY=VALUE",
                    "Node configuration that plugins holding config.read see (secrets redacted); repeatable, wins over --config-file.");
            configFile = command.option("--config-file", "FILE", Path.class,
                    "Node configuration as KEY=VALUE lines (lines starting with '#' are comments).");
        }

        /** The configuration: the file's entries, then --config over them. */
        java.util.Map<String, String> configuration() {
            java.util.Map<String, String> all = new java.util.TreeMap<>();
            if (configFile.value() != null) {
                all.putAll(readConfig(configFile.value()));
            }
            for (var e : config.value().entrySet()) {
                checkKey(e.getKey(), "--config " + e.getKey() + "=...");
                all.put(e.getKey(), e.getValue());
            }
            return all;
        }

        private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        private static final long MAX_CONFIG_BYTES = 1 << 20;

        private void checkKey(String key, String where) {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(where
                        + ": configuration key '" + key + "' must be letters, digits, '.', '_' or '-' (at most 128)");
            }
        }

        private java.util.Map<String, String> readConfig(Path file) {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            List<String> lines;
            try {
                if (Files.size(file) > MAX_CONFIG_BYTES) {
                    throw new IllegalArgumentException("configuration file " + file + " is larger than 1 MiB");
                }
                lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                String where = file + ":" + (i + 1);
                if (eq <= 0) {
                    throw new IllegalArgumentException(where + ": expected KEY=VALUE");
                }
                String key = line.substring(0, eq).strip();
                checkKey(key, where);
                if (out.put(key, line.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException(where + ": key '" + key + "' is given twice");
                }
            }
            return out;
        }

        StigmemNode start(PrintWriter out) {
            Path plugins = this.plugins.value();
            if (!Files.isDirectory(plugins)) {
                throw new IllegalArgumentException("plugin directory " + plugins + " does not exist or is not a directory");
            }
            StigmemNode.Builder b = StigmemNode.builder().pluginDirectory(plugins)
                    .outboundAllowlist(java.util.Set.copyOf(outbound.value()));
            if (data.value() != null) {
                b.dataDirectory(data.value());
            }
            b.repairAuditTrail(repairAudit.value());
            if (trustPolicy.value() != null) {
                b.trustPolicy(dev.stigmem.loader.trust.TrustPolicy.read(trustPolicy.value()));
            }
            if (work.value() != null) {
                b.workDirectory(work.value());
            }
            b.skipRejected(skipRejected.value());
            b.config(configuration());
            if (scanPolicy.value() != null) {
                b.scanPolicy(dev.stigmem.loader.scan.ScanPolicy.shipped().withOperatorPolicy(scanPolicy.value()));
            }
            if (timeoutMs.value() != null) {
                b.handlerTimeout(java.time.Duration.ofMillis(timeoutMs.value()));
            }
            if (lifecycleTimeoutMs.value() != null) {
                b.lifecycleTimeout(java.time.Duration.ofMillis(lifecycleTimeoutMs.value()));
            }
            if (quarantineAfter.value() != null) {
                b.quarantineAfter(quarantineAfter.value());
            }
            return b.start();
        }
    }
}
