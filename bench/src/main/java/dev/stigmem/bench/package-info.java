/** JMH benchmarks of the loader: one plugin into a new layer, a node's start with 100 plugins, load/unload cycles. */
package dev.stigmem.bench;
