package dev.stigmem.loader;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Runs the construction of a plugin's entry class for the loader: its static initializer and its
 * constructor, which are the plugin's code. A host that runs untrusted plugins gives one that runs
 * construction on a thread of its own, under a time limit, and turns whatever the plugin throws into
 * text inside that call (the node does); {@link #DIRECT}, the default, runs it on the loading thread.
 *
 * <p>Example usage:
 * <pre>{@code
 * PluginLoader.builder().instantiateWith((archive, manifest, entryClass, construction) -> {
 *     Future<Plugin> f = pluginThreads.submit(construction);
 *     ...                                  // wait within a limit; on failure:
 *     throw new PluginInstantiationException(archive, Optional.of(entryClass), "its constructor did not return within 10 s");
 * });
 * }</pre>
 */
@FunctionalInterface
public interface PluginInstantiator {

    /**
     * Construction on the calling thread. A failure becomes a {@link PluginInstantiationException}
     * whose message holds the plugin's exceptions as {@code toString} renders them and whose cause is
     * the plugin's exception; nothing bounds its time.
     */
    PluginInstantiator DIRECT = (archive, manifest, entryClass, construction) -> construction.call();

    /**
     * Runs {@code construction} and returns the instance it made.
     *
     * @param archive      the operator's archive
     * @param manifest     the plugin's validated manifest
     * @param entryClass   binary name of the entry class
     * @param construction initialises the entry class and calls its constructor (with the plugin's
     *                     class loader as the thread's context loader while it runs); any thread may
     *                     call it, once
     * @return the instance {@code construction} returned
     * @throws PluginInstantiationException the plugin could not be constructed, with the reason in
     *                                      the host's words
     * @throws Exception                    whatever {@code construction} threw (the loader reports it
     *                                      as a {@link PluginInstantiationException})
     */
    Plugin instantiate(Path archive, PluginManifest manifest, String entryClass, Callable<Plugin> construction) throws Exception;
}
