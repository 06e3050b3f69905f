package dev.stigmem.api.hook;

import java.util.Map;

/**
 * Payload of {@code config_validate}: the configuration the node is about to apply.
 *
 * @param values the new configuration, key to value (copied, unmodifiable)
 */
public record ConfigChange(Map<String, String> values) {
    public ConfigChange {
        values = Map.copyOf(values);
    }
}
