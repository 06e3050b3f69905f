package com.example.quota;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;
import java.util.Optional;

/**
 * Denies an assert when its principal already holds {@code quota.per-subject} facts (default 5)
 * about the same subject in the same tenant. Without {@code facts.read} provided by the node it
 * cannot count, and allows (the quota is a courtesy limit, not a security boundary).
 */
@StigmemPlugin(name = "assert-quota", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"facts.read", "config.read"})
public final class QuotaPlugin implements Plugin, PreAssertValidate {

    static final int DEFAULT_QUOTA = 5;

    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest request) {
        Optional<FactsReader> facts = context.getFactsReader();
        if (facts.isEmpty()) {
            return Vote.allow();
        }
        int quota = context.getConfigReader().flatMap(c -> c.get("quota.per-subject")).map(QuotaPlugin::parse).orElse(DEFAULT_QUOTA);
        long held = 0;
        for (Fact f : facts.get().find(FactQuery.bySubject(request.draft().tenant(), request.draft().subject()))) {
            if (f.source().equals(request.principal())) {
                held++;
            }
        }
        return held >= quota
                ? Vote.deny("principal '" + request.principal() + "' already holds " + held + " facts about '"
                        + request.draft().subject() + "' (quota " + quota + ")")
                : Vote.allow();
    }

    private static int parse(String value) {
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_QUOTA;
        }
    }
}
