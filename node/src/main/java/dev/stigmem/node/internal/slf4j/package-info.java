/**
 * The SLF4J provider the node binds its own copy of slf4j-api to in each plugin that bundles slf4j-api:
 * compiled here, but defined only in that plugin's copy of slf4j-api's layer (never in the node's own
 * layer, whose SLF4J keeps its binding), so these classes use nothing of the node but {@link System.Logger}.
 */
package dev.stigmem.node.internal.slf4j;
