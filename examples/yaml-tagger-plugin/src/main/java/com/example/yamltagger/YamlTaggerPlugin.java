package com.example.yamltagger;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Tags a fact with every tag whose keywords its object mentions. The rules are YAML in config key
 * {@code tagger.rules}, a map from tag to keyword list, for example
 * <pre>{@code
 * beverage: [tea, coffee]
 * allergen: [peanut, gluten]
 * }</pre>
 * read with SnakeYAML's {@link SafeConstructor} (plain maps, lists and strings; no types named by
 * the document) and bounded aliases.
 */
@StigmemPlugin(name = "yaml-tagger", version = "1.0.0", requires = ">=0.9.0", capabilities = {"config.read"})
public final class YamlTaggerPlugin implements Plugin, PreAssertTransform {

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        String yaml = context.getConfigReader().flatMap(c -> c.get("tagger.rules")).orElse("{}");
        String object = request.draft().object().toLowerCase(Locale.ROOT);
        TreeSet<String> tags = new TreeSet<>();
        rules(yaml).forEach((tag, keywords) -> {
            if (keywords.stream().anyMatch(k -> object.contains(k.toLowerCase(Locale.ROOT)))) {
                tags.add(tag);
            }
        });
        return tags.isEmpty() ? request : request.withDraft(request.draft().withAttribute("tags", String.join(",", tags)));
    }

    static Map<String, List<String>> rules(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(64 * 1024);
        Object doc = new Yaml(new SafeConstructor(options)).load(yaml);
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("tagger.rules must be a YAML map of tag to keyword list");
        }
        Map<String, List<String>> out = new java.util.TreeMap<>();
        map.forEach((tag, keywords) -> {
            if (!(keywords instanceof List<?> list)) {
                throw new IllegalArgumentException("tagger.rules: the keywords of " + tag + " are not a list");
            }
            out.put(String.valueOf(tag), list.stream().map(String::valueOf).toList());
        });
        return out;
    }
}
