/** The embedded default core APIs behind the thirteen handles: facts, recall, identity, tenants, federation, config, network. */
package dev.stigmem.node.internal.core;
