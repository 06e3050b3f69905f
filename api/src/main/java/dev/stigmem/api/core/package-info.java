/** Core API handles a plugin obtains from its {@link dev.stigmem.api.PluginContext}, and the values they exchange. */
package dev.stigmem.api.core;
