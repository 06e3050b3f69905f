/** The runtime capability gate: the {@link dev.stigmem.api.PluginContext} the node hands to each plugin. */
package dev.stigmem.node.internal.context;
