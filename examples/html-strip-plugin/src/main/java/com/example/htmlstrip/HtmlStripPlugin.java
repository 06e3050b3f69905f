package com.example.htmlstrip;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import org.jsoup.Jsoup;

/**
 * Facts pasted from web pages often carry markup. When a fact's object contains a tag, the object
 * stored is its text as a browser would show it (jsoup parses it as HTML, scripts and styles
 * dropped), and the fact is marked {@code html-stripped=true}; other facts pass unchanged.
 */
@StigmemPlugin(name = "html-strip", version = "1.0.0", requires = ">=0.9.0")
public final class HtmlStripPlugin implements Plugin, PreAssertTransform {

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        var d = request.draft();
        if (!d.object().matches("(?s).*<[a-zA-Z/!][^>]*>.*")) {
            return request;
        }
        String text = Jsoup.parseBodyFragment(d.object()).text();
        return request.withDraft(new dev.stigmem.api.core.FactDraft(d.subject(), d.predicate(), text, d.tenant(), d.attributes())
                .withAttribute("html-stripped", "true"));
    }
}
