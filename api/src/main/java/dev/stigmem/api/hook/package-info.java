/** The fixed hook surface: the {@link dev.stigmem.api.hook.Hook} table, one handler interface per hook, and typed payloads. */
package dev.stigmem.api.hook;
