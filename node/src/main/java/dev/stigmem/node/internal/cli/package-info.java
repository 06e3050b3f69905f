/** The {@code stigmem} command line (picocli, its model built in code by CommandModel): one class per subcommand. */
package dev.stigmem.node.internal.cli;
