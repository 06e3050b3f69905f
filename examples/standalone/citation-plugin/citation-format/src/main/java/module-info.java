/** Formats citations; a plain library with no Stigmem dependency. */
module com.example.citation.format {
    exports com.example.citation.format;
}
