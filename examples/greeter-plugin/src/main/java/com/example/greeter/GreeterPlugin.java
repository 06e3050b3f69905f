package com.example.greeter;

import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.Vote;

import java.util.Map;

/** Says hello in the audit trail when started, and refuses anonymous asserts. */
@StigmemPlugin(name = "greeter", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
public final class GreeterPlugin implements Plugin, PreAssertAuthorize {
    private volatile boolean started;

    @Override
    public void start(PluginContext context) {
        context.getAuditEmitter().ifPresent(audit -> audit.emit("greeter.started", Map.of("greeting", "hello")));
        started = true;
    }

    @Override
    public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
        return payload.principal().equals("anonymous") ? Vote.deny("anonymous asserts are not allowed") : Vote.allow();
    }

    @Override
    public Health health() {
        return started ? Health.healthy() : Health.unknown();
    }
}
