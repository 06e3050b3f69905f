package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.ConfigReader;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Node configuration as plugins holding {@code config.read} see it: every value whose key names a
 * secret is replaced by {@value #REDACTED}. The capability reference asks reviewers whether
 * configuration holds secrets or trusted publisher identities; this keeps both out of plugins'
 * reach even when the capability is granted.
 */
public final class RedactingConfig implements ConfigReader {

    /** What a plugin reads instead of a secret. */
    public static final String REDACTED = "[redacted]";

    /** Keys that hold secrets or trust material. */
    static final Pattern SECRET_KEY = Pattern.compile(
            ".*(secret|password|passwd|token|credential|private[-_.]?key|api[-_.]?key|trust).*");

    private final Map<String, String> values;

    public RedactingConfig(Map<String, String> values) {
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(k, SECRET_KEY.matcher(k.toLowerCase(Locale.ROOT)).matches() ? REDACTED : v));
        this.values = java.util.Collections.unmodifiableMap(copy);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public Set<String> keys() {
        return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(values.keySet()));
    }
}
