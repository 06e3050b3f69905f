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
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Tags a fact with every tag whose keywords its object mentions. The rules are YAML in config key
 * {@code tagger.rules}, a map from tag to keyword list, for example
 * <pre>{@code
 * beverage: [tea, coffee]
 * allergen: [peanut, gluten]
 * }</pre>
 * read with SnakeYAML Engine's composer into its node tree (mappings, sequences and scalars; no
 * types named by the document), aliases and size bounded.
 *
 * <p>Why the node tree and not {@code new Load(settings).loadFromString(yaml)}: the engine's standard
 * constructor also builds {@code !ENV} scalars, which read an environment variable when the settings
 * carry an {@code EnvConfig}. This plugin never sets one, but the pre-scan judges whole methods, not
 * branches: {@code System#getenv} is reachable through {@code Load}, and the archive would be refused
 * (rule {@code system.properties}). The composer never constructs anything, so nothing of it reads the
 * environment. (SnakeYAML 2 is refused for the same reason: its constructors can instantiate JavaBeans
 * by reflection.)
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
        LoadSettings settings = LoadSettings.builder().setMaxAliasesForCollections(10).setCodePointLimit(64 * 1024).build();
        Node doc = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml))).getSingleNode().orElse(null);
        if (doc != null && !(doc instanceof MappingNode)) {
            throw new IllegalArgumentException("tagger.rules must be a YAML map of tag to keyword list");
        }
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (NodeTuple rule : doc == null ? List.<NodeTuple>of() : ((MappingNode) doc).getValue()) {
            String tag = scalar(rule.getKeyNode(), "a tag");
            if (!(rule.getValueNode() instanceof SequenceNode keywords)) {
                throw new IllegalArgumentException("tagger.rules: the keywords of " + tag + " are not a list");
            }
            out.put(tag, keywords.getValue().stream().map(k -> scalar(k, "a keyword of " + tag)).toList());
        }
        return out;
    }

    private static String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode scalar)) {
            throw new IllegalArgumentException("tagger.rules: " + what + " is not a scalar");
        }
        return scalar.getValue();
    }
}
