/** The node's audit trail: what is recorded, and the durable append-only log that records it. */
package dev.stigmem.node.internal.audit;
