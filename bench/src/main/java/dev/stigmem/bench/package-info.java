/** JMH benchmarks of the loader and the node; run with {@code bench/run}, never as tests. */
package dev.stigmem.bench;
