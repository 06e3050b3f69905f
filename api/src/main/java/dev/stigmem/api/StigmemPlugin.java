package dev.stigmem.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The plugin manifest, on the plugin's entry class. Retained in the class file so the loader reads
 * it from bytecode without loading the class; {@link PluginManifest#of(StigmemPlugin)} validates it.
 *
 * <pre>{@code
 * @StigmemPlugin(name = "example-plugin", version = "1.0.0",
 *                requires = ">=0.9.0", capabilities = {"facts.read", "audit.emit"})
 * public final class ExamplePlugin implements Plugin, PreAssertAuthorize { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StigmemPlugin {
    /** Plugin name: {@code ^[a-z][a-z0-9-]{2,63}$}. */
    String name();

    /** Plugin version: {@code MAJOR.MINOR.PATCH} with an optional pre-release. */
    String version();

    /** Node versions the plugin runs on, for example {@code >=0.9.0} or {@code >=0.9.0,<2.0.0}. */
    String requires();

    /** Capability ids the plugin needs; see {@link Capability}. */
    String[] capabilities() default {};

    /** Plugins that must be registered before this one (by name). */
    String[] dependsOn() default {};
}
