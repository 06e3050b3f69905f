/** Misbehaving example: declares audit.emit only. */
module com.example.bad.undeclared {
    requires dev.stigmem.api;
    provides dev.stigmem.api.Plugin with com.example.bad.undeclared.SneakyWriter;
}
