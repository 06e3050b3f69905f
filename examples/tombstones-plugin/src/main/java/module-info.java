/**
 * Example plugin: the right to be forgotten. Reads only the api; publishes its entry class as a
 * service.
 */
module com.example.tombstones {
    // The plugin API, all this plugin compiles against.
    requires dev.stigmem.api;

    provides dev.stigmem.api.Plugin with com.example.tombstones.TombstonesPlugin;
}
