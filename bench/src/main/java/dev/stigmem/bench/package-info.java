/** JMH benchmarks of the plugin loader; run with {@code bench/run}. */
package dev.stigmem.bench;
