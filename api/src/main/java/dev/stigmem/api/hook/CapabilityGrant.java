package dev.stigmem.api.hook;

import dev.stigmem.api.Capability;
import java.util.Objects;

/**
 * Payload of {@code capability_check}: a plugin is about to be granted a capability it declared.
 * The node puts each declared capability to this vote when it registers the plugin; a deny keeps
 * the plugin from being registered.
 *
 * @param pluginName the plugin
 * @param capability the capability it declared
 */
public record CapabilityGrant(String pluginName, Capability capability) {
    public CapabilityGrant {
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(capability, "capability");
    }
}
