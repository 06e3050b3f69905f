package com.example.rankformula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** The plugin with exp4j bundled, in a node configured with a ranking formula. */
@PluginTest(config = "ranker.formula=0.1 * matches - 0.01 * length + log(score)")
class RankFormulaPluginTest {

    @Test
    void adjustsEachHitByTheOperatorsFormula(TestNode node) {
        Fact tea = node.assertFact("alice", FactDraft.of("green tea", "is", "a hot drink", "default"));
        Fact cake = node.assertFact("alice", FactDraft.of("cake", "is", "sweet", "default"));
        RecallResults results = new RecallResults(new RecallRequest("alice", new RecallQuery("default", "hot tea", 10)),
                List.of(new RecallHit(tea, 1.0), new RecallHit(cake, 1.0)));
        // Scores of 1 (log 0). tea: 2 matches, object of 11 characters: 0.2 - 0.11; cake: 0 matches, 5 characters: -0.05.
        node.scores(Hook.RECALL_RANK, results).assertSucceeded()
                .assertDelta(tea.id(), 0.2 - 0.11)
                .assertDelta(cake.id(), -0.05);
        node.audit().assertNotEmitted("jdk.denied");
    }

    @Test
    void aFormulaNamingAnotherVariableIsRefusedWithExp4jsMessage() {
        assertThatThrownBy(() -> RankFormulaPlugin.compile("2 * age"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("age");
        assertThat(RankFormulaPlugin.compile("sqrt(matches)").setVariable("matches", 9)
                .setVariable("score", 0).setVariable("length", 0).evaluate()).isEqualTo(3.0);
    }
}
