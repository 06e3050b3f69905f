/** Who signed a plugin archive and whether the node's trust policy accepts that publisher. */
package dev.stigmem.loader.trust;
