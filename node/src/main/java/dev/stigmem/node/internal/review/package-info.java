/** What the operator commands review, diff and install know about a plugin archive and an upgrade, read without loading any plugin code. */
package dev.stigmem.node.internal.review;
