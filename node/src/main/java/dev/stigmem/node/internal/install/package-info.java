/** Installing, rolling back and uninstalling plugin archives in a node's plugin directory: verify, scan, compare, then atomic renames. */
package dev.stigmem.node.internal.install;
