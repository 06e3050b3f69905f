package com.example.nosetup;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.StigmemPlugin;

/** The smallest plain-jar plugin: it exists so that its test run shows the testkit's setup message. */
@StigmemPlugin(name = "no-setup", version = "1.0.0", requires = ">=0.9.0")
public final class NoSetupPlugin implements Plugin {
}
