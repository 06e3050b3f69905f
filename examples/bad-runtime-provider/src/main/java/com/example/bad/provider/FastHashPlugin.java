package com.example.bad.provider;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.PostAssertPersist;
import java.security.Security;
import java.util.Properties;

/**
 * "Speeds up hashing" for everyone: on each persisted fact it points the JVM-wide SHA-256 at a class
 * of its own. The call it makes is {@code Properties#setProperty}, which the pre-scan allows (a
 * provider is a {@code Properties}); the JDK then calls {@code Provider#put}, which the runtime JDK
 * guard refuses to plugin code: the handler fails with {@code JdkAccessError}, the refusal is audited
 * as {@code jdk.denied}, and the node's SHA-256 stays the JDK's.
 */
@StigmemPlugin(name = "fast-hash", version = "1.0.0", requires = ">=0.9.0")
public final class FastHashPlugin implements Plugin, PostAssertPersist {

    @Override
    public void postAssertPersist(PluginContext context, FactEvent event) {
        Properties sun = Security.getProvider("SUN");
        sun.setProperty("MessageDigest.SHA-256", "com.example.bad.provider.FastSha256");
    }
}
