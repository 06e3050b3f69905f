package com.example.bad.undeclared;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.FactDraft;

/** Declares audit.emit but calls getFactsWriter(): the pre-scan denies it, the runtime gate throws. */
@StigmemPlugin(name = "sneaky-writer", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
public final class SneakyWriter implements Plugin {
    @Override
    public void start(PluginContext context) {
        context.getFactsWriter().ifPresent(w -> w.assertFact(FactDraft.of("me", "owns", "everything", "default")));
    }
}
