package dev.stigmem.node;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Health;
import dev.stigmem.api.hook.Hook;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an operator sees of a registered plugin.
 *
 * @param name         manifest name
 * @param version      manifest version
 * @param archive      the archive it was loaded from
 * @param module       its module name (explicit or automatic)
 * @param entryClass   binary name of its entry class
 * @param trust        how it came to be trusted, for example {@code trusted publisher CN=...}
 * @param capabilities declared capabilities, in {@link Capability} order
 * @param hooks        hooks it handles, in table order
 * @param dependsOn    plugins registered before it
 * @param health       its answer to the last health check, or the node's own verdict ({@code unhealthy}
 *                     with the reason) when it is quarantined or all its handler threads are stuck
 * @param quarantined  whether the node quarantined it after consecutive handler failures (for the
 *                     rest of the node's life): its handlers are no longer called
 */
public record PluginInfo(String name, String version, Path archive, String module, String entryClass, String trust,
                         Set<Capability> capabilities, List<Hook> hooks, List<String> dependsOn, Health health,
                         boolean quarantined) {
    public PluginInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(entryClass, "entryClass");
        Objects.requireNonNull(trust, "trust");
        // Capability (enum) order, the same on every run: tables and reports print it as it is.
        capabilities = capabilities.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(capabilities));
        hooks = List.copyOf(hooks);
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(health, "health");
    }

    /** A plugin that is not quarantined. */
    public PluginInfo(String name, String version, Path archive, String module, String entryClass, String trust,
                      Set<Capability> capabilities, List<Hook> hooks, List<String> dependsOn, Health health) {
        this(name, version, archive, module, entryClass, trust, capabilities, hooks, dependsOn, health, false);
    }

    /** What the operator's tables show in the HEALTH column: {@code quarantined}, or the health status. */
    public String healthLabel() {
        return quarantined ? "quarantined" : health.status().name().toLowerCase(java.util.Locale.ROOT);
    }
}
