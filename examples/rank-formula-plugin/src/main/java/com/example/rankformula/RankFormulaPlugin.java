package com.example.rankformula;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallResults;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.ValidationResult;

/**
 * Adds to each recall hit the value of a formula the operator writes in config key
 * {@code ranker.formula}, for example {@code 0.1 * matches - 0.001 * length}, over three variables:
 * {@code score} (the hit's score so far), {@code matches} (how many query terms the fact contains)
 * and {@code length} (the length of the fact's object). Parsed and evaluated with exp4j: arithmetic and
 * its built-in functions ({@code log}, {@code sqrt}, {@code abs}, ...), nothing that reaches outside the
 * formula. A formula that does not parse, or names another variable, fails the call with exp4j's
 * message; a hit whose value is not finite is left as it is.
 */
@StigmemPlugin(name = "rank-formula", version = "1.0.0", requires = ">=0.9.0", capabilities = {"config.read"})
public final class RankFormulaPlugin implements Plugin, RecallRank {
    /** At most this many characters of formula: an operator's one-liner, not a program. */
    static final int MAX_FORMULA = 512;

    @Override
    public Map<String, Double> recallRank(PluginContext context, RecallResults results) {
        String formula = context.getConfigReader().flatMap(c -> c.get("ranker.formula")).orElse("0");
        Expression expression = compile(formula);
        Set<String> query = words(results.request().query().text());
        Map<String, Double> deltas = new HashMap<>();
        for (RecallHit hit : results.hits()) {
            Set<String> terms = words(hit.fact().subject() + " " + hit.fact().predicate() + " " + hit.fact().object());
            double value = expression
                    .setVariable("score", hit.score())
                    .setVariable("matches", query.stream().filter(terms::contains).count())
                    .setVariable("length", hit.fact().object().length())
                    .evaluate();
            if (Double.isFinite(value) && value != 0) {
                deltas.put(hit.fact().id(), value);
            }
        }
        return deltas;
    }

    static Expression compile(String formula) {
        if (formula.length() > MAX_FORMULA) {
            throw new IllegalArgumentException("ranker.formula is longer than " + MAX_FORMULA + " characters");
        }
        Expression e = new ExpressionBuilder(formula).variables("score", "matches", "length").build();
        ValidationResult valid = e.validate(false);
        if (!valid.isValid()) {
            throw new IllegalArgumentException("ranker.formula: " + String.join("; ", valid.getErrors()));
        }
        return e;
    }

    static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty()).collect(Collectors.toSet());
    }
}
