/** The plugin contract: manifest annotation, capabilities, the gated context and the errors a plugin can meet. */
package dev.stigmem.api;
