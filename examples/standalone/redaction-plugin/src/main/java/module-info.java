/** PII redaction for Stigmem: facts are masked before they are stored. */
module com.example.redaction {
    requires dev.stigmem.api;
    provides dev.stigmem.api.Plugin with com.example.redaction.RedactionPlugin;
}
