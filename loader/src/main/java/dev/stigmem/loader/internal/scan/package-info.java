/** The bytecode pre-scan: reads every class an archive could define and judges each reference against the manifest and the JDK policy. */
package dev.stigmem.loader.internal.scan;
