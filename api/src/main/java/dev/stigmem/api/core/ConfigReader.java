package dev.stigmem.api.core;

import java.util.Optional;
import java.util.Set;

/**
 * Reads node and plugin configuration; obtained with capability {@code config.read}. Values the
 * node classes as secrets are returned redacted.
 */
public interface ConfigReader {
    /** The value of a key, if set. */
    Optional<String> get(String key);

    /** All keys, sorted. */
    Set<String> keys();
}
