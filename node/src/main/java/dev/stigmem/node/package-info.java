/** Embedding API of the node: what a host application uses to supply core APIs and run plugins. */
package dev.stigmem.node;
