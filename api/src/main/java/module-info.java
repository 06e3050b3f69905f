/**
 * The Stigmem plugin API: everything a plugin compiles against, and nothing else.
 *
 * <p>It has no dependencies, so a plugin's module graph is its own code, its bundled
 * libraries and this module. The capability of every gated accessor is declared once, by
 * {@link dev.stigmem.api.Gated} on {@link dev.stigmem.api.PluginContext}; the runtime gate in
 * the node and the bytecode scanner in the loader both derive from it.
 */
module dev.stigmem.api {
    exports dev.stigmem.api;
    exports dev.stigmem.api.core;
    exports dev.stigmem.api.hook;
}
