package ${package};

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;

/**
 * Votes on every assert ({@code pre_assert_validate}): denies a fact whose object is blank or
 * longer than {@code ${pluginName}.max-length} characters (node configuration, default
 * 280).
 *
 * <p>The manifest below is what the node checks before loading anything: the name operators see,
 * the version (keep it in step with the project's), the node versions it runs on, and the
 * capabilities it needs. Only {@code config.read} here: the pre-scan refuses the plugin if its code
 * reaches for any other capability, or for a JDK API that bypasses them (files, sockets,
 * processes, reflection...), and warns about a declared capability it never uses.
 */
@StigmemPlugin(name = "${pluginName}", version = "1.0.0", requires = ">=${stigmemVersion.replaceAll('-.*', '')}",
        capabilities = {"config.read"})
public final class ${pluginClass} implements Plugin, PreAssertValidate {

    static final int DEFAULT_MAX_LENGTH = 280;

    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest request) {
        String object = request.draft().object();
        if (object.isBlank()) {
            return Vote.deny("the fact's object is blank");
        }
        int max = context.getConfigReader()
                .flatMap(c -> c.get("${pluginName}.max-length"))
                .map(${pluginClass}::parse)
                .orElse(DEFAULT_MAX_LENGTH);
        return object.length() > max
                ? Vote.deny("the fact's object has " + object.length() + " characters, more than " + max)
                : Vote.allow();
    }

    private static int parse(String value) {
        try {
            return Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_LENGTH;
        }
    }
}
