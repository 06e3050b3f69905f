/** The hook registry: registration at startup, freeze, and dispatch with the four semantics and orderings. */
package dev.stigmem.node.internal.hook;
