/** Reading plugin archives into bounded, verified in-memory images, without running anything in them. */
package dev.stigmem.loader.internal.archive;
