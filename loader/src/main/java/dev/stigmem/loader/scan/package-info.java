/** The bytecode pre-scan's public face: the policy it enforces, and the report it produces. */
package dev.stigmem.loader.scan;
