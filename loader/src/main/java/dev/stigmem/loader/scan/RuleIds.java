package dev.stigmem.loader.scan;

import java.util.Set;

/**
 * The ids of the rules built into the scanner. Rules of the JDK policy take their ids from the
 * policy file ({@code @rule} lines); these ids are reserved and a policy file cannot redefine them.
 */
public final class RuleIds {
    /** A gated {@code PluginContext} accessor is referenced but its capability is not declared. */
    public static final String CAPABILITY_ACCESSOR = "capability.accessor";
    /** A capability's handle type is referenced but the capability is not declared. */
    public static final String CAPABILITY_HANDLE = "capability.handle";
    /** A capability is declared but no code of the archive references its accessor or handle. */
    public static final String CAPABILITY_UNUSED = "capability.unused";
    /** A class outside the archive, the api and the allowlisted packages is referenced. */
    public static final String REFERENCE_NOT_ALLOWED = "reference.not-allowed";
    /**
     * A class the plugin's layer cannot link: of a JDK module the policy does not allow, of a package
     * its module does not export, or in neither the archive, the api nor the JDK. It fails with a
     * linkage error ({@code NoClassDefFoundError}) at run time if the code is ever reached; a WARN, not
     * a DENY: what cannot be linked cannot do harm.
     */
    public static final String REFERENCE_UNLINKABLE = "reference.unlinkable";
    /** A module of the archive {@code requires} a module that is neither allowlisted nor in the archive. */
    public static final String MODULE_REQUIRES = "module.requires";
    /**
     * An {@code invokedynamic} or a dynamic constant names a bootstrap method that no
     * {@code allow-bootstrap} line of the policy allows (a bootstrap of the plugin's own, or a JDK one
     * that resolves by name). Its reason is that of the policy's {@code allow-bootstrap} group, the
     * only group allowed to carry this id.
     */
    public static final String LINKAGE_BOOTSTRAP = "linkage.bootstrap";

    /**
     * A module of the archive {@code requires static} a module that is neither allowlisted nor in the
     * archive: accepted (INFO), because the layer resolves without an optional dependency and creates no
     * edge to it.
     */
    public static final String MODULE_REQUIRES_STATIC = "module.requires-static";

    /** Every reserved id. */
    public static final Set<String> RESERVED = Set.of(CAPABILITY_ACCESSOR, CAPABILITY_HANDLE, CAPABILITY_UNUSED,
            REFERENCE_NOT_ALLOWED, REFERENCE_UNLINKABLE, MODULE_REQUIRES, MODULE_REQUIRES_STATIC, LINKAGE_BOOTSTRAP);

    private RuleIds() {
    }
}
