package com.example.tombstones;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.PostAssertPersist;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.RecallFilter;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The right to be forgotten, modelled on the reference node's tombstone plugin.
 *
 * <p>A principal asks the node to forget a subject by asserting a <em>tombstone</em>: the fact
 * {@code (subject, "stigmem:forget", reason)} in the subject's tenant. Then:
 * <ol>
 *   <li>{@code pre_assert_validate}: a tombstone needs a reason (its object), not blank and at most
 *       {@value #MAX_REASON_LENGTH} characters, because the reason is what the audit trail keeps;</li>
 *   <li>{@code post_assert_persist}: every other fact about the subject in that tenant is retracted
 *       ({@link FactsWriter#retract} with a reason naming the tombstone), and one
 *       {@value #AUDIT_FORGOTTEN} audit event records who asked, why and how many facts went;</li>
 *   <li>{@code pre_assert_authorize}: any later fact about a tombstoned subject is denied, a second
 *       tombstone included;</li>
 *   <li>{@code recall_filter}: hits about a tombstoned subject are dropped, the tombstone itself
 *       included, so recall never shows the subject again.</li>
 * </ol>
 *
 * <p>The tombstone fact is the plugin's only state: it lives in the node's fact store, so the
 * plugin keeps no memory of its own and a restarted node still refuses the forgotten subject.
 * Tombstones are per tenant. Facts that merely mention the subject as their object are not
 * touched; a deployment that needs that would search for them in {@code post_assert_persist}.
 *
 * <p>Fail closed: when the node does not provide {@code facts.read} the plugin cannot tell whether
 * a subject is forgotten, so it denies every assert and empties every recall rather than risk
 * showing a forgotten subject.
 *
 * <p>Capabilities, exactly what the code calls: {@code facts.read} (find tombstones and the facts
 * to retract), {@code facts.write} (retract them), {@code audit.emit} (record the erasure).
 */
@StigmemPlugin(name = "tombstones", version = "1.0.0", requires = ">=0.9.0",
        capabilities = {"facts.read", "facts.write", "audit.emit"})
public final class TombstonesPlugin implements Plugin, PreAssertValidate, PreAssertAuthorize, PostAssertPersist,
        RecallFilter {

    /** The predicate of a tombstone fact; its subject is forgotten, its object is the reason. */
    public static final String FORGET_PREDICATE = "stigmem:forget";

    /** The audit action recorded once per erasure. */
    public static final String AUDIT_FORGOTTEN = "tombstones.subject_forgotten";

    /** Upper bound on a tombstone's reason. */
    public static final int MAX_REASON_LENGTH = 1_000;

    /** Facts read per round while retracting. */
    static final int RETRACT_BATCH = 1_000;

    /** Rounds of {@link #RETRACT_BATCH} at most, so one erasure is bounded work (a million facts). */
    static final int MAX_RETRACT_ROUNDS = 1_000;

    /** Refuses a tombstone without a usable reason. */
    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest payload) {
        if (!isTombstone(payload.draft().predicate())) {
            return Vote.allow();
        }
        String reason = payload.draft().object();
        if (reason.isBlank()) {
            return Vote.deny("a tombstone (" + FORGET_PREDICATE + ") needs a reason as its object");
        }
        if (reason.length() > MAX_REASON_LENGTH) {
            return Vote.deny("a tombstone's reason is limited to " + MAX_REASON_LENGTH + " characters, was "
                    + reason.length());
        }
        return Vote.allow();
    }

    /** Refuses any fact about a subject that has a tombstone in the fact's tenant. */
    @Override
    public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
        Optional<FactsReader> reader = context.getFactsReader();
        if (reader.isEmpty()) {
            return Vote.deny("tombstones cannot be checked: the node does not provide facts.read");
        }
        String tenant = payload.draft().tenant();
        String subject = payload.draft().subject();
        Optional<Fact> tombstone = tombstone(reader.get(), tenant, subject);
        if (tombstone.isEmpty()) {
            return Vote.allow();
        }
        if (isTombstone(payload.draft().predicate())) {
            return Vote.deny("subject '" + subject + "' is already forgotten in tenant '" + tenant + "' (tombstone "
                    + tombstone.get().id() + ")");
        }
        return Vote.deny("subject '" + subject + "' was forgotten in tenant '" + tenant + "' (tombstone "
                + tombstone.get().id() + "); new facts about it are refused");
    }

    /**
     * When the persisted fact is a tombstone, retracts every other fact about its subject in its
     * tenant and audits the erasure.
     *
     * @throws IllegalStateException if the node does not provide {@code facts.read} or
     *                               {@code facts.write}: the erasure cannot happen, and the node
     *                               audits the failed handler
     */
    @Override
    public void postAssertPersist(PluginContext context, FactEvent payload) {
        Fact tombstone = payload.fact();
        if (!isTombstone(tombstone.predicate())) {
            return;
        }
        FactsReader reader = context.getFactsReader().orElseThrow(
                () -> new IllegalStateException("cannot forget '" + tombstone.subject()
                        + "': the node does not provide facts.read"));
        FactsWriter writer = context.getFactsWriter().orElseThrow(
                () -> new IllegalStateException("cannot forget '" + tombstone.subject()
                        + "': the node does not provide facts.write"));

        String reason = "right to be forgotten (tombstone " + tombstone.id() + "): " + tombstone.object();
        FactQuery aboutSubject = new FactQuery(tombstone.tenant(), Optional.of(tombstone.subject()), Optional.empty(),
                RETRACT_BATCH);
        int retracted = 0;
        for (int round = 0; round < MAX_RETRACT_ROUNDS; round++) {
            List<Fact> batch = reader.find(aboutSubject);
            int before = retracted;
            for (Fact fact : batch) {
                if (!isTombstone(fact.predicate()) && writer.retract(fact.id(), reason)) {
                    retracted++;
                }
            }
            if (batch.size() < RETRACT_BATCH || retracted == before) {
                break;
            }
        }

        Optional<AuditEmitter> audit = context.getAuditEmitter();
        if (audit.isPresent()) {
            audit.get().emit(AUDIT_FORGOTTEN, Map.of(
                    "tenant", tombstone.tenant(),
                    "subject", tombstone.subject(),
                    "tombstone", tombstone.id(),
                    "retracted", Integer.toString(retracted),
                    "reason", tombstone.object(),
                    "requested_by", payload.principal()));
        }
    }

    /** Drops every hit about a tombstoned subject. */
    @Override
    public RecallResults recallFilter(PluginContext context, RecallResults payload) {
        if (payload.hits().isEmpty()) {
            return payload;
        }
        Optional<FactsReader> reader = context.getFactsReader();
        if (reader.isEmpty()) {
            // Cannot tell who is forgotten: show nobody.
            return payload.withHits(List.of());
        }
        Map<String, Boolean> forgotten = new HashMap<>();
        List<RecallHit> kept = new ArrayList<>(payload.hits().size());
        for (RecallHit hit : payload.hits()) {
            Fact fact = hit.fact();
            boolean gone = forgotten.computeIfAbsent(fact.tenant() + '\u0000' + fact.subject(),
                    k -> tombstone(reader.get(), fact.tenant(), fact.subject()).isPresent());
            if (!gone) {
                kept.add(hit);
            }
        }
        return kept.size() == payload.hits().size() ? payload : payload.withHits(kept);
    }

    private static Optional<Fact> tombstone(FactsReader reader, String tenant, String subject) {
        List<Fact> found = reader.find(new FactQuery(tenant, Optional.of(subject), Optional.of(FORGET_PREDICATE), 1));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static boolean isTombstone(String predicate) {
        return FORGET_PREDICATE.equals(predicate);
    }
}
