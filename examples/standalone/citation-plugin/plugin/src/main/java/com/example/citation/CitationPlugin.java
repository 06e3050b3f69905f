package com.example.citation;

import com.example.citation.format.Citations;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;

/**
 * Adds a {@code citation} attribute, formatted by the private citation-format library, to every
 * fact that has a {@code source} and a four-digit {@code year} attribute. Needs no capability.
 */
@StigmemPlugin(name = "citation", version = "1.0.0", requires = ">=0.9.0")
public final class CitationPlugin implements Plugin, PreAssertTransform {
    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        String source = request.draft().attributes().get("source");
        String year = request.draft().attributes().get("year");
        if (source == null || year == null || !year.matches("[0-9]{4}")) {
            return request;
        }
        return request.withDraft(request.draft().withAttribute("citation", Citations.format(source, Integer.parseInt(year))));
    }
}
