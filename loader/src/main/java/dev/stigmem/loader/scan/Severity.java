package dev.stigmem.loader.scan;

/** How much a finding weighs; declared from most to least severe, which is also the report's sort order. */
public enum Severity {
    /** The plugin is rejected: it is not installed and no class of it is loaded. */
    DENY,
    /** The plugin may load, but a reviewer must look (review-level rules, least-privilege warnings). */
    WARN,
    /** For the record only. */
    INFO
}
