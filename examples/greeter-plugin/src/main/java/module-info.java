/** Example plugin as an explicit module: reads only the api and publishes its entry class as a service. */
module com.example.greeter {
    requires dev.stigmem.api;
    provides dev.stigmem.api.Plugin with com.example.greeter.GreeterPlugin;
}
