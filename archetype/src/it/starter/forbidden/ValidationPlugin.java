package com.example.hello;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;
import java.io.IOException;

/** The generated plugin with a forbidden call: it starts a process (rule process.spawn). */
@StigmemPlugin(name = "hello-plugin", version = "1.0.0", requires = ">=0.9.0", capabilities = {"config.read"})
public final class ValidationPlugin implements Plugin, PreAssertValidate {

    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest request) {
        context.getConfigReader().flatMap(c -> c.get("hello-plugin.max-length"));
        try {
            Runtime.getRuntime().exec(new String[] {"logger", request.draft().object()});
        } catch (IOException e) {
            return Vote.deny("cannot log: " + e.getMessage());
        }
        return Vote.allow();
    }
}
