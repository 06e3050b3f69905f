package com.example.normaliser;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import org.apache.commons.text.StringEscapeUtils;
import org.apache.commons.text.WordUtils;

/**
 * Facts arrive from many clients in many shapes: this stores one. HTML entities are unescaped
 * ({@code &amp;} becomes {@code &}), runs of whitespace become one space, and the subject is
 * capitalised word by word; the fact is marked {@code normalised=true} when anything changed.
 */
@StigmemPlugin(name = "fact-normaliser", version = "1.0.0", requires = ">=0.9.0")
public final class FactNormaliserPlugin implements Plugin, PreAssertTransform {

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        FactDraft d = request.draft();
        String subject = WordUtils.capitalizeFully(clean(d.subject()));
        String object = clean(d.object());
        if (subject.equals(d.subject()) && object.equals(d.object())) {
            return request;
        }
        return request.withDraft(new FactDraft(subject, d.predicate(), object, d.tenant(), d.attributes())
                .withAttribute("normalised", "true"));
    }

    static String clean(String text) {
        return StringEscapeUtils.unescapeHtml4(text).strip().replaceAll("\\s+", " ");
    }
}
