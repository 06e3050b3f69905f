package com.example.redaction;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks e-mail addresses and phone numbers in a fact's object before it is stored, marks the fact
 * with a {@code redacted} attribute, and records what it masked (never the values) in the audit
 * trail. The mask is configurable ({@code redaction.mask}, default {@code [redacted]}).
 */
@StigmemPlugin(name = "pii-redaction", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"audit.emit", "config.read"})
public final class RedactionPlugin implements Plugin, PreAssertTransform {

    static final String DEFAULT_MASK = "[redacted]";

    // Deliberately simple patterns, bounded so a hostile fact cannot make matching expensive.
    private static final Map<String, Pattern> KINDS = Map.of(
            "email", Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,24}"),
            "phone", Pattern.compile("\\+?[0-9][0-9 ()-]{6,18}[0-9]"));

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        String mask = context.getConfigReader().flatMap(c -> c.get("redaction.mask")).orElse(DEFAULT_MASK);
        String text = request.draft().object();
        Map<String, Integer> found = new TreeMap<>();
        for (Map.Entry<String, Pattern> kind : new TreeMap<>(KINDS).entrySet()) {
            Matcher m = kind.getValue().matcher(text);
            int count = 0;
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                count++;
                m.appendReplacement(out, Matcher.quoteReplacement(mask));
            }
            m.appendTail(out);
            if (count > 0) {
                found.put(kind.getKey(), count);
                text = out.toString();
            }
        }
        if (found.isEmpty()) {
            return request;
        }
        FactDraft d = request.draft();
        FactDraft redacted = new FactDraft(d.subject(), d.predicate(), text, d.tenant(), d.attributes())
                .withAttribute("redacted", String.join(",", found.keySet()));
        Map<String, String> audit = new TreeMap<>();
        found.forEach((kind, count) -> audit.put(kind, Integer.toString(count)));
        audit.put("principal", request.principal());
        context.getAuditEmitter().ifPresent(e -> e.emit("pii.redacted", audit));
        return request.withDraft(redacted);
    }
}
