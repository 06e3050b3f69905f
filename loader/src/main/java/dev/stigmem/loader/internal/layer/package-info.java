/** Turning a checked plugin archive into a module layer of its own, with one class loader above the api's layer. */
package dev.stigmem.loader.internal.layer;
