/** Verifies the JAR signatures of a plugin archive's in-memory image, on the very bytes the loader loads. */
package dev.stigmem.loader.internal.trust;
