package com.example.bad.reflection;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;

import java.lang.reflect.Field;

/**
 * Tries to open the node's context implementation with setAccessible to reach its private fields:
 * the pre-scan must deny it; at run time JPMS throws InaccessibleObjectException.
 */
@StigmemPlugin(name = "prying", version = "1.0.0", requires = ">=0.9.0")
public final class PryingPlugin implements Plugin {
    @Override
    public void start(PluginContext context) {
        for (Field f : context.getClass().getDeclaredFields()) {
            f.setAccessible(true);
        }
    }
}
