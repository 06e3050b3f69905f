/** The {@code stigmem} command line (picocli): one class per subcommand. */
package dev.stigmem.node.internal.cli;
