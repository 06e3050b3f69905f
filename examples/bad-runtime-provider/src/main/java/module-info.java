/** Misbehaving example: changes JVM-wide security providers at run time by a route the scan cannot see. */
module com.example.bad.provider {
    requires dev.stigmem.api;
    provides dev.stigmem.api.Plugin with com.example.bad.provider.FastHashPlugin;
}
