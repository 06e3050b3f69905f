/** Loading plugin archives into module layers of their own: the loader, its checks, results and failures. */
package dev.stigmem.loader;
