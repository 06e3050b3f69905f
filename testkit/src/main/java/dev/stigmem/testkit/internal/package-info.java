/** Testkit internals: packing a build output into an archive, finding bundled libraries, checking the test JVM's setup. */
package dev.stigmem.testkit.internal;
