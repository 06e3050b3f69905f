/** Misbehaving example: reflects into the host. */
module com.example.bad.reflection {
    requires dev.stigmem.api;
    provides dev.stigmem.api.Plugin with com.example.bad.reflection.PryingPlugin;
}
