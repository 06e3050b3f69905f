/** The ByteBuddy agent: turns the policy's guard lines into advice inlined at the JDK members they name. */
package dev.stigmem.guard.internal.agent;
