package dev.stigmem.api;

/**
 * A plugin's entry class. Exactly one class per plugin archive implements it, is published as a
 * service ({@code provides dev.stigmem.api.Plugin with ...} or
 * {@code META-INF/services/dev.stigmem.api.Plugin}) and carries {@link StigmemPlugin}.
 *
 * <p>The entry class also implements the hook interfaces of {@link dev.stigmem.api.hook} it
 * handles. The lifecycle methods are optional; the node calls {@link #start} once after
 * registration, {@link #stop} once at shutdown, and {@link #health} when an operator asks.
 */
public interface Plugin {

    /** Called once after the node registered the plugin and froze its registry. */
    default void start(PluginContext context) {
    }

    /** Called once when the node shuts down or unloads the plugin. */
    default void stop() {
    }

    /** The plugin's health; {@link Health#unknown()} unless the plugin says more. */
    default Health health() {
        return Health.unknown();
    }
}
