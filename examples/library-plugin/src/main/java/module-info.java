/** Example plugin with a private library: both run in the plugin's layer. */
module com.example.libraryplugin {
    requires dev.stigmem.api;
    requires com.example.textlib;
    provides dev.stigmem.api.Plugin with com.example.libraryplugin.SlugPlugin;
}
