package dev.stigmem.loader;

/**
 * A check that runs on a plugin archive after it was read and its declaration validated, and
 * before any of its classes is defined: signature trust and the bytecode pre-scan are checks.
 *
 * <p>Checks run in the order they were added to the {@link PluginLoader.Builder}; the first
 * {@link CheckVerdict.Reject} stops loading with a {@link PluginRejectedException}. A check that
 * throws rejects the archive too (fail closed). A check must not keep the candidate.
 */
@FunctionalInterface
public interface ArchiveCheck {

    /** Judges one archive. */
    CheckVerdict check(PluginCandidate candidate);
}
