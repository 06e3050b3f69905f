package com.example.termcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plugin with Commons Collections bundled, in a node: scores, and the second ranking is served from the map. */
@PluginTest
class TermCachePluginTest {

    @Test
    void ranksByQueryTermsAndServesTheSecondRankingFromTheMap(TestNode node) {
        Fact tea = node.assertFact("alice", FactDraft.of("green tea", "is", "a hot drink", "default"));
        Fact cake = node.assertFact("alice", FactDraft.of("cake", "is", "sweet", "default"));
        RecallResults results = new RecallResults(new RecallRequest("alice", new RecallQuery("default", "hot tea", 10)),
                List.of(new RecallHit(tea, 1.0), new RecallHit(cake, 1.0)));
        node.scores(Hook.RECALL_RANK, results).assertSucceeded().assertDelta(tea.id(), 0.2);
        assertThat(node.node().plugins().get(0).health().message()).isEqualTo("cache hits 0, 2 of 10000 facts");
        node.scores(Hook.RECALL_RANK, results).assertSucceeded().assertDelta(tea.id(), 0.2);
        assertThat(node.node().plugins().get(0).health().message()).isEqualTo("cache hits 2, 2 of 10000 facts");
        node.audit().assertNotEmitted("jdk.denied");
    }
}
