/** Citations for Stigmem facts, with a private library. */
module com.example.citation {
    requires dev.stigmem.api;
    requires com.example.citation.format;
    provides dev.stigmem.api.Plugin with com.example.citation.CitationPlugin;
}
