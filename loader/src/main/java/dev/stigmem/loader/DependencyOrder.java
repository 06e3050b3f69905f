package dev.stigmem.loader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Orders prepared plugins so every plugin comes after the plugins it {@code dependsOn}. Ties are
 * broken by plugin name, so the order is deterministic. Fails closed on a duplicate name, a
 * missing dependency or a cycle, naming the path.
 */
final class DependencyOrder {
    private DependencyOrder() {
    }

    static List<PluginLoader.Prepared> sort(Path directory, List<PluginLoader.Prepared> plugins) {
        Map<String, PluginLoader.Prepared> byName = new TreeMap<>();
        for (PluginLoader.Prepared p : plugins) {
            PluginLoader.Prepared other = byName.putIfAbsent(p.candidate().manifest().name(), p);
            if (other != null) {
                throw new PluginDependencyException(p.candidate().archive(), Optional.empty(), String.format(Locale.ROOT,
                        "plugin '%s' is also declared by %s", p.candidate().manifest().name(), other.candidate().archive()));
            }
        }
        for (PluginLoader.Prepared p : byName.values()) {
            for (String dep : p.candidate().manifest().dependsOn()) {
                if (!byName.containsKey(dep)) {
                    throw new PluginDependencyException(p.candidate().archive(), Optional.empty(), String.format(Locale.ROOT,
                            "plugin '%s' depends on '%s', which is not in %s", p.candidate().manifest().name(), dep, directory));
                }
            }
        }
        // Depth-first, names in order: a plugin is emitted after all its dependencies.
        List<PluginLoader.Prepared> ordered = new ArrayList<>();
        Map<String, Integer> mark = new HashMap<>(); // 1 = on the path, 2 = done
        for (String name : byName.keySet()) {
            visit(name, byName, mark, new ArrayList<>(), ordered);
        }
        return ordered;
    }

    private static void visit(String name, Map<String, PluginLoader.Prepared> byName, Map<String, Integer> mark,
                              List<String> path, List<PluginLoader.Prepared> ordered) {
        Integer m = mark.get(name);
        if (m != null && m == 2) {
            return;
        }
        if (m != null && m == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new PluginDependencyException(byName.get(name).candidate().archive(), Optional.empty(),
                    "dependency cycle: " + String.join(" -> ", cycle));
        }
        mark.put(name, 1);
        path.add(name);
        PluginLoader.Prepared p = byName.get(name);
        for (String dep : p.candidate().manifest().dependsOn().stream().sorted().toList()) {
            visit(dep, byName, mark, path, ordered);
        }
        path.remove(path.size() - 1);
        mark.put(name, 2);
        ordered.add(p);
    }
}
