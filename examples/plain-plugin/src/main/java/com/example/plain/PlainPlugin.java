package com.example.plain;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.RecallFilter;
import dev.stigmem.api.hook.RecallResults;

/**
 * Example plugin as a plain jar (an automatic module), published through
 * META-INF/services/dev.stigmem.api.Plugin. Registered after greeter.
 */
@StigmemPlugin(name = "plain-example", version = "0.1.0", requires = ">=0.9.0", dependsOn = {"greeter"})
public final class PlainPlugin implements Plugin, RecallFilter {
    @Override
    public RecallResults recallFilter(PluginContext context, RecallResults payload) {
        return payload;
    }
}
