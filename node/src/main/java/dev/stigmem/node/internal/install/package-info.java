/** Installing a plugin archive into a node's plugin directory: verify, scan, compare with the installed version, then an atomic copy. */
package dev.stigmem.node.internal.install;
