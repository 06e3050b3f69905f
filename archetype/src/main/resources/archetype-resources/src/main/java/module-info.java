/** The ${pluginName} plugin for Stigmem. */
module ${package} {
    // All a plugin compiles against; the node provides it (scope provided).
    requires dev.stigmem.api;
    // The node finds the entry class as a service of the plugin's own module layer.
    provides dev.stigmem.api.Plugin with ${package}.${pluginClass};
}
