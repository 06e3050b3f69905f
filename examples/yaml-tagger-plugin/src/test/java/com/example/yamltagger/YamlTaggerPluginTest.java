package com.example.yamltagger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with SnakeYAML Engine bundled, in a node configured with YAML rules. */
@PluginTest(config = "tagger.rules={beverage: [tea, coffee], allergen: [peanut, gluten]}")
class YamlTaggerPluginTest {

    @Test
    void tagsFactsByTheKeywordsOfTheYamlRules(TestNode node) {
        Fact f = node.assertFact("alice", FactDraft.of("snack", "contains", "Peanut butter with tea", "default"));
        assertThat(f.attributes()).containsEntry("tags", "allergen,beverage");
        Fact none = node.assertFact("alice", FactDraft.of("snack", "contains", "apples", "default"));
        assertThat(none.attributes()).doesNotContainKey("tags");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
