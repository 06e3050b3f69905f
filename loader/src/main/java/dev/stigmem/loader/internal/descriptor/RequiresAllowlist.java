package dev.stigmem.loader.internal.descriptor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The modules a plugin module may {@code requires}, each with the reason it is allowed. Policy
 * is data: the default list ships as {@code requires-allowlist.txt} next to this class.
 *
 * @param reasons module name to reason (sorted, unmodifiable)
 */
public record RequiresAllowlist(Map<String, String> reasons) {
    private static final Pattern MODULE_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final String RESOURCE = "requires-allowlist.txt";

    public RequiresAllowlist {
        reasons = Collections.unmodifiableMap(new TreeMap<>(reasons));
    }

    /** The list shipped with the loader. */
    public static RequiresAllowlist defaults() {
        try (InputStream in = RequiresAllowlist.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the loader's " + RESOURCE + " is missing from its module");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the loader's " + RESOURCE, e);
        }
    }

    /**
     * Parses {@code module @ reason} lines.
     *
     * @throws IllegalArgumentException naming the source and line of the first bad line
     */
    public static RequiresAllowlist parse(String text, String source) {
        Map<String, String> rules = new TreeMap<>();
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int at = t.indexOf(" @ ");
                String module = at < 0 ? t : t.substring(0, at).strip();
                String reason = at < 0 ? "" : t.substring(at + 3).strip();
                if (!MODULE_NAME.matcher(module).matches() || reason.isEmpty()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s:%d: expected 'module.name @ reason', found '%s'", source, lineNo, t));
                }
                if (rules.put(module, reason) != null) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s:%d: module '%s' is listed twice", source, lineNo, module));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RequiresAllowlist(rules);
    }

    /** This list plus one more module. */
    public RequiresAllowlist with(String module, String reason) {
        Map<String, String> copy = new TreeMap<>(reasons);
        copy.putAll(parse(module + " @ " + reason, "operator rule").reasons());
        return new RequiresAllowlist(copy);
    }

    /** Why the module is allowed, or empty when it is not. */
    public Optional<String> reason(String module) {
        return Optional.ofNullable(reasons.get(module));
    }
}
