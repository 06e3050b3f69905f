package dev.stigmem.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated plugin manifest: the values of {@link StigmemPlugin}, checked against every rule.
 *
 * <p>Rules: name matches {@code ^[a-z][a-z0-9-]{2,63}$}; version is {@code MAJOR.MINOR.PATCH}
 * with an optional pre-release; {@code requires} is a {@link VersionRange}; capabilities are known
 * ids without duplicates; dependencies are valid plugin names, without duplicates and not the
 * plugin itself. {@link #of} reports every broken rule at once in one {@link ManifestError}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name         plugin name
 * @param version      plugin version
 * @param requires     node versions it runs on
 * @param capabilities declared capabilities (unmodifiable, in {@link Capability} order)
 * @param dependsOn    plugins to register first, in declared order (unmodifiable)
 */
public record PluginManifest(String name, SemanticVersion version, VersionRange requires,
                             Set<Capability> capabilities, List<String> dependsOn) {

    /** The plugin name rule of the reference implementation. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{2,63}");

    /** Bound on list lengths, so a hostile annotation cannot make validation do unbounded work. */
    private static final int MAX_ENTRIES = 256;

    public PluginManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(requires, "requires");
        capabilities = capabilities.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        dependsOn = List.copyOf(dependsOn);
    }

    /** Validates the manifest annotation of an entry class. */
    public static PluginManifest of(StigmemPlugin annotation) {
        return of(annotation.name(), annotation.version(), annotation.requires(),
                Arrays.asList(annotation.capabilities()), Arrays.asList(annotation.dependsOn()));
    }

    /**
     * Validates raw manifest values, as read from an annotation or from bytecode.
     *
     * @throws ManifestError listing every rule the values break
     */
    public static PluginManifest of(String name, String version, String requires,
                                    List<String> capabilities, List<String> dependsOn) {
        List<String> problems = new ArrayList<>();
        String subject = name == null ? "a plugin without a name" : "plugin '" + printable(name) + "'";

        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name '" + printable(name) + "' must match " + NAME.pattern());
        }
        SemanticVersion parsedVersion = null;
        try {
            parsedVersion = SemanticVersion.parse(Objects.requireNonNull(version, "version is missing"));
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add("version: " + e.getMessage());
        }
        VersionRange parsedRange = null;
        try {
            parsedRange = VersionRange.parse(Objects.requireNonNull(requires, "requires is missing"));
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add("requires: " + e.getMessage());
        }

        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        if (capabilities.size() > MAX_ENTRIES) {
            problems.add("capabilities: more than " + MAX_ENTRIES + " entries");
        } else {
            for (String id : capabilities) {
                var c = Capability.lookup(id);
                if (c.isEmpty()) {
                    problems.add(Capability.unknownMessage(printable(id)));
                } else if (!caps.add(c.get())) {
                    problems.add("capability '" + id + "' is declared twice");
                }
            }
        }

        Set<String> deps = new LinkedHashSet<>();
        if (dependsOn.size() > MAX_ENTRIES) {
            problems.add("dependsOn: more than " + MAX_ENTRIES + " entries");
        } else {
            for (String dep : dependsOn) {
                if (dep != null && dep.equals(name)) {
                    problems.add("plugin depends on itself");
                } else if (dep == null || !NAME.matcher(dep).matches()) {
                    problems.add("dependency '" + printable(dep) + "' is not a valid plugin name");
                } else if (!deps.add(dep)) {
                    problems.add("dependency '" + dep + "' is declared twice");
                }
            }
        }

        if (!problems.isEmpty()) {
            throw new ManifestError(subject, problems);
        }
        return new PluginManifest(name, parsedVersion, parsedRange, caps, List.copyOf(deps));
    }

    /** Whether the manifest declares this capability. */
    public boolean declares(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Keeps hostile names readable in messages: control characters escaped, length capped. */
    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        if (s.codePointCount(0, s.length()) > 80) {
            b.append("...");
        }
        return b.toString();
    }
}
