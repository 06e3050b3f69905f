/** The guard's decisions: who called (stack attribution), which plugin that is, refuse and account threads. */
package dev.stigmem.guard.internal.check;
