/** Reading a plugin's declaration (entry class, manifest, module requires) from bytecode and module descriptors, without loading it. */
package dev.stigmem.loader.internal.descriptor;
