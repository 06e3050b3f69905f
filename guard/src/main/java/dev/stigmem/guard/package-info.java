/** The runtime JDK guard's API for hosts: install it, enclose each plugin layer, stop a plugin's threads. */
package dev.stigmem.guard;
