package dev.stigmem.api;

import java.util.Objects;

/**
 * Thrown when a plugin calls a {@link PluginContext} accessor whose capability it did not declare.
 *
 * <p>The message has exactly the shape of the capability reference, for example
 * {@code plugin 'example-plugin' cannot call getFactsReader: capability 'facts.read' not declared}.
 * A handler that lets it escape fails like any other failing handler of its hook.
 */
public class CapabilityError extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String accessorName;
    private final Capability capability;

    /**
     * @param pluginName the plugin that made the call
     * @param capability the undeclared capability; its accessor is named from {@link Capability#accessorName()}
     */
    public CapabilityError(String pluginName, Capability capability) {
        this(pluginName, capability.accessorName(), capability);
    }

    private CapabilityError(String pluginName, String accessorName, Capability capability) {
        super("plugin '" + Objects.requireNonNull(pluginName, "pluginName") + "' cannot call " + accessorName
                + ": capability '" + capability.id() + "' not declared");
        this.pluginName = pluginName;
        this.accessorName = accessorName;
        this.capability = capability;
    }

    /** The plugin that made the call. */
    public String pluginName() {
        return pluginName;
    }

    /** The accessor it called, for example {@code getFactsReader}. */
    public String accessorName() {
        return accessorName;
    }

    /** The capability it did not declare. */
    public Capability capability() {
        return capability;
    }

    /** The id of {@link #capability()}, for example {@code facts.read}. */
    public String capabilityId() {
        return capability.id();
    }
}
