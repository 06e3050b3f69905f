package dev.stigmem.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link PluginContext} accessor with the capability that gates it.
 *
 * <p>This annotation is the one place where capabilities map to accessors. {@link Capability#accessor()},
 * the node's runtime gate and the loader's bytecode scanner all read it; none keeps a table of its own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Gated {
    /** The capability a plugin must declare to call the annotated accessor. */
    Capability value();
}
