package dev.stigmem.node.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.api.Capability;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.node.NodeStartException;
import dev.stigmem.node.PluginInfo;
import dev.stigmem.node.StigmemNode;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stigmem plugins list|describe}: what operators need to know of a node's plugins. */
final class PluginsCommand implements Runnable {

    final CommandSpec spec = new CommandModel("plugins", this,
            "List or describe the plugins a node would register from a plugin directory (started as the node would, then stopped).")
            .subcommand("list", new List().spec)
            .subcommand("describe", new Describe().spec)
            .spec();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which: plugins list or plugins describe NAME");
    }

    static void printTable(PrintWriter out, java.util.List<PluginInfo> plugins) {
        out.printf(Locale.ROOT, "%-20s %-9s %-11s %-40s %s%n", "PLUGIN", "VERSION", "HEALTH", "CAPABILITIES", "HOOKS");
        for (PluginInfo p : plugins) {
            out.printf(Locale.ROOT, "%-20s %-9s %-11s %-40s %s%n", p.name(), p.version(), p.healthLabel(),
                    p.capabilities().isEmpty() ? "-" : p.capabilities().stream().map(Capability::id).collect(Collectors.joining(",")),
                    p.hooks().isEmpty() ? "-" : p.hooks().stream().map(Hook::id).collect(Collectors.joining(",")));
        }
        out.printf(Locale.ROOT, "%d plugin%s registered%n", plugins.size(), plugins.size() == 1 ? "" : "s");
    }

    static ObjectNode json(PluginInfo p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", p.name());
        o.put("version", p.version());
        o.put("archive", p.archive().toString());
        o.put("module", p.module());
        o.put("entryClass", p.entryClass());
        o.put("trust", p.trust());
        ArrayNode caps = o.putArray("capabilities");
        p.capabilities().stream().sorted().forEach(c -> caps.addObject().put("id", c.id()).put("impact", c.impact().label()));
        ArrayNode hooks = o.putArray("hooks");
        p.hooks().forEach(h -> hooks.add(h.id()));
        ArrayNode deps = o.putArray("dependsOn");
        p.dependsOn().forEach(deps::add);
        o.putObject("health").put("status", p.health().status().name().toLowerCase(Locale.ROOT)).put("message", PluginText.bounded(p.health().message()))
                .put("quarantined", p.quarantined());
        return o;
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final class List implements Callable<Integer> {
        final CommandSpec spec;
        private final NodeCommand.NodeOptions options;
        private final Arg<Boolean> json;

        List() {
            CommandModel m = new CommandModel("list", this, "Print one line per plugin with its name, version, health, capabilities and hooks.");
            options = new NodeCommand.NodeOptions(m);
            json = m.flag("--json", "Print JSON instead of a table.");
            spec = m.spec();
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (StigmemNode node = options.start(out)) {
                if (json.value()) {
                    ArrayNode a = JSON.createArrayNode();
                    node.plugins().forEach(p -> a.add(json(p)));
                    out.println(JSON.writeValueAsString(a));
                } else {
                    printTable(out, node.plugins());
                }
                return ExitStatus.OK;
            } catch (NodeStartException e) {
                spec.commandLine().getErr().println("stigmem: " + e.getMessage());
                return ExitStatus.REJECTED;
            }
        }
    }

    static final class Describe implements Callable<Integer> {
        final CommandSpec spec;
        private final NodeCommand.NodeOptions options;
        private final Arg<String> name;
        private final Arg<Boolean> json;

        Describe() {
            CommandModel m = new CommandModel("describe", this, "Print everything an operator needs to know of one plugin.");
            options = new NodeCommand.NodeOptions(m);
            name = m.positional(0, "NAME", String.class, "The plugin's manifest name.");
            json = m.flag("--json", "Print JSON.");
            spec = m.spec();
        }

        @Override
        public Integer call() throws Exception {
            String name = this.name.value();
            PrintWriter out = spec.commandLine().getOut();
            try (StigmemNode node = options.start(out)) {
                Optional<PluginInfo> found = node.plugins().stream().filter(p -> p.name().equals(name)).findFirst();
                if (found.isEmpty()) {
                    spec.commandLine().getErr().printf(Locale.ROOT, "stigmem: no plugin '%s' in %s (registered: %s)%n", name, options.plugins.value(),
                            node.plugins().stream().map(PluginInfo::name).collect(Collectors.joining(", ")));
                    return ExitStatus.USAGE_OR_INPUT;
                }
                PluginInfo p = found.get();
                if (json.value()) {
                    out.println(JSON.writeValueAsString(json(p)));
                    return ExitStatus.OK;
                }
                out.printf(Locale.ROOT, "plugin      %s %s%n", p.name(), p.version());
                out.printf(Locale.ROOT, "archive     %s%n", p.archive());
                out.printf(Locale.ROOT, "module      %s (entry class %s)%n", p.module(), p.entryClass());
                out.printf(Locale.ROOT, "trust       %s%n", p.trust().isEmpty() ? "-" : p.trust());
                out.printf(Locale.ROOT, "depends on  %s%n", p.dependsOn().isEmpty() ? "-" : String.join(", ", p.dependsOn()));
                // The health message is the plugin's text: bounded and escaped, one line.
                out.printf(Locale.ROOT, "health      %s %s%n", p.healthLabel(), PluginText.bounded(p.health().message()));
                out.printf(Locale.ROOT, "hooks       %s%n", p.hooks().isEmpty() ? "-" : p.hooks().stream().map(Hook::id).collect(Collectors.joining(", ")));
                out.println("capabilities");
                for (Capability c : p.capabilities()) {
                    out.printf(Locale.ROOT, "  %-18s %-12s %s%n", c.id(), c.impact().label(), c.reviewGuidance());
                }
                return ExitStatus.OK;
            } catch (NodeStartException e) {
                spec.commandLine().getErr().println("stigmem: " + e.getMessage());
                return ExitStatus.REJECTED;
            }
        }
    }
}
