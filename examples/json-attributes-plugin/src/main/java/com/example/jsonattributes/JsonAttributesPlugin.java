package com.example.jsonattributes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;
import java.util.Map;
import java.util.TreeMap;

/**
 * Clients that speak JSON send a fact's attributes as one JSON object in attribute {@code json}: it
 * must be an object of at most 32 string, number or boolean members (validated), and is replaced by
 * those members as plain attributes (transformed). Gson's tree model parses it (no reflection).
 */
@StigmemPlugin(name = "json-attributes", version = "1.0.0", requires = ">=0.9.0")
public final class JsonAttributesPlugin implements Plugin, PreAssertValidate, PreAssertTransform {
    static final int MAX_MEMBERS = 32;

    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest request) {
        String json = request.draft().attributes().get("json");
        if (json == null) {
            return Vote.allow();
        }
        try {
            members(json);
            return Vote.allow();
        } catch (IllegalArgumentException | JsonParseException e) {
            return Vote.deny("attribute json: " + e.getMessage());
        }
    }

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        FactDraft d = request.draft();
        String json = d.attributes().get("json");
        if (json == null) {
            return request;
        }
        Map<String, String> attributes = new TreeMap<>(d.attributes());
        attributes.remove("json");
        attributes.putAll(members(json));
        return request.withDraft(new FactDraft(d.subject(), d.predicate(), d.object(), d.tenant(), attributes));
    }

    static Map<String, String> members(String json) {
        JsonElement root = JsonParser.parseString(json);
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonObject object = root.getAsJsonObject();
        if (object.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("more than " + MAX_MEMBERS + " members");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonElement> m : object.entrySet()) {
            if (!m.getValue().isJsonPrimitive()) {
                throw new IllegalArgumentException("member " + m.getKey() + " is not a string, number or boolean");
            }
            out.put(m.getKey(), m.getValue().getAsString());
        }
        return out;
    }
}
