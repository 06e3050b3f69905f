package dev.stigmem.node.internal.untrusted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.hook.FederationBatch;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.IdentityResolution;
import dev.stigmem.api.hook.MigrationPlan;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginValuesTests {

    /** An object of a class the node does not know, standing for a plugin's own. */
    static final class Smuggled {
        @Override
        public String toString() {
            throw new AssertionError("the node must not call toString on a plugin's object");
        }

        @Override
        public int hashCode() {
            throw new AssertionError("the node must not call hashCode on a plugin's object");
        }

        @Override
        public boolean equals(Object o) {
            throw new AssertionError("the node must not call equals on a plugin's object");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, String> smuggling() {
        return (Map) Map.of("note", new Smuggled());
    }

    @Test
    void everyFilterChainPayloadTypeIsCopied() {
        for (Hook hook : Hook.values()) {
            if (hook.semantic() == Hook.Semantic.FILTER_CHAIN) {
                Method m = Arrays.stream(hook.handlerType().getMethods()).filter(x -> Modifier.isAbstract(x.getModifiers())).findFirst().orElseThrow();
                assertThat(PluginValues.copiesHookValue(m.getParameterTypes()[1])).as(hook.id()).isTrue();
            }
        }
    }

    @Test
    void everyParameterTypeOfEveryHandleMethodIsCopied() {
        for (Capability c : Capability.values()) {
            for (Method m : c.handleType().getMethods()) {
                for (Class<?> p : m.getParameterTypes()) {
                    assertThat(PluginValues.copiesArgument(p)).as(c.handleType().getSimpleName() + "." + m.getName() + "(" + p.getSimpleName() + ")").isTrue();
                }
            }
        }
    }

    @Test
    void aVoteIsTheSharedAllowOrADenyWithItsReasonBoundedAndEscaped() {
        assertThat(PluginValues.vote(new Vote.Allow())).isSameAs(Vote.allow());
        assertThat(PluginValues.vote(Vote.deny("no\u001b[31m"))).isEqualTo(Vote.deny("no\\u001b[31m"));
        assertThat(((Vote.Deny) PluginValues.vote(Vote.deny("n".repeat(10_000)))).reason())
                .hasSize(PluginText.LIMIT + "...[truncated, 10000 chars]".length());
        assertThatThrownBy(() -> PluginValues.vote("allow")).isInstanceOf(PluginValueException.class)
                .hasMessage("returned a java.lang.String instead of a Vote");
        assertThatThrownBy(() -> PluginValues.vote(null)).hasMessage("returned null instead of a Vote");
    }

    @Test
    void filterValuesAreRebuiltAndSmuggledElementsRefusedWithoutTouchingThem() {
        FactDraft draft = new FactDraft("s", "p", "o", "t", smuggling());
        assertThatThrownBy(() -> PluginValues.hookValue(dev.stigmem.api.hook.AssertRequest.class,
                new dev.stigmem.api.hook.AssertRequest("alice", draft)))
                .isInstanceOf(PluginValueException.class)
                .hasMessage("returned a AssertRequest the node does not take: fact attributes: the value of 'note' is a "
                        + Smuggled.class.getName() + ", not a String");

        Fact fact = new Fact("f1", "s", "p", "o", "t", "alice", Instant.EPOCH, Map.of("k", "v"));
        RecallRequest request = new RecallRequest("alice", new RecallQuery("t", "x", 10));
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<RecallHit> smuggledHits = (List) List.of(new RecallHit(fact, 1), new Smuggled());
        assertThatThrownBy(() -> PluginValues.hookValue(RecallResults.class, new RecallResults(request, smuggledHits)))
                .hasMessageEndingWith("hits: element 1 is a " + Smuggled.class.getName() + ", not a RecallHit");
        RecallResults fine = new RecallResults(request, List.of(new RecallHit(fact, 1)));
        assertThat(PluginValues.hookValue(RecallResults.class, fine)).isEqualTo(fine).isNotSameAs(fine);

        @SuppressWarnings({"unchecked", "rawtypes"})
        Set<String> roles = (Set) Set.of("admin", 42);
        assertThatThrownBy(() -> PluginValues.hookValue(IdentityResolution.class,
                new IdentityResolution("alice", new Identity("alice", "Alice", roles, Map.of()))))
                .hasMessageEndingWith("roles: an element is a java.lang.Integer, not a String");
        assertThatThrownBy(() -> PluginValues.hookValue(FederationBatch.class, new FederationBatch("peer", List.of(), smuggling())))
                .hasMessageContaining("headers: the value of 'note'");
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<MigrationPlan.Migration> migrations = (List) List.of("not a migration");
        assertThatThrownBy(() -> PluginValues.hookValue(MigrationPlan.class, new MigrationPlan(migrations)))
                .hasMessageEndingWith("migrations: element 0 is a java.lang.String, not a Migration");
        assertThatThrownBy(() -> PluginValues.hookValue(MigrationPlan.class, null)).hasMessage("returned null instead of a value");
    }

    @Test
    void scoreDeltasAreReadOnceIntoTheNodesOwnMap() {
        int[] reads = new int[1];
        Map<String, Double> flip = new AbstractMap<>() {
            @Override
            public Set<Entry<String, Double>> entrySet() {
                if (reads[0]++ > 0) {
                    throw new AssertionError("read twice");
                }
                return Set.of(Map.entry("f1", 1.5));
            }
        };
        Map<String, Double> copy = PluginValues.scoreDeltas(flip);
        assertThat(copy).isEqualTo(Map.of("f1", 1.5));
        assertThat(copy.getClass().getName()).startsWith("java.util.");
        assertThat(reads[0]).isEqualTo(1);

        Map<Object, Object> smuggledKey = new HashMap<>();
        smuggledKey.put(42, 1.0);
        assertThatThrownBy(() -> PluginValues.scoreDeltas(smuggledKey))
                .hasMessage("returned a score delta that is not a finite number keyed by id: a key of class java.lang.Integer");
        assertThatThrownBy(() -> PluginValues.scoreDeltas(Map.of("f1", Double.POSITIVE_INFINITY)))
                .hasMessage("returned a score delta that is not a finite number keyed by id: f1");
        assertThatThrownBy(() -> PluginValues.scoreDeltas(List.of())).hasMessage("returned a java.util.ImmutableCollections$ListN instead of score deltas");
    }

    @Test
    void mapsAreReadAtMostOnePastTheirBound() {
        int[] served = new int[1];
        Map<String, String> endless = new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, String>> iterator() {
                        return new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return true;
                            }

                            @Override
                            public Entry<String, String> next() {
                                return Map.entry("k" + served[0]++, "v");
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return 1;
                    }
                };
            }
        };
        assertThatThrownBy(() -> PluginValues.stringMap(endless, 32, "attributes")).isInstanceOf(PluginValueException.class)
                .hasMessage("attributes: more than 32 entries");
        assertThat(served[0]).isEqualTo(33);
    }

    @Test
    void handleArgumentsAreCopiedAndSmuggledElementsRefused() {
        assertThatThrownBy(() -> PluginValues.argument(Tenant.class, new Tenant("t", "T", smuggling())))
                .hasMessageContaining("tenant attributes: the value of 'note' is a " + Smuggled.class.getName());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Optional<String> subject = (Optional) Optional.of(new Smuggled());
        assertThatThrownBy(() -> PluginValues.argument(FactQuery.class, new FactQuery("t", subject, Optional.empty(), 10)))
                .hasMessage("subject: a " + Smuggled.class.getName() + ", not a String");
        assertThatThrownBy(() -> PluginValues.argument(Map.class, "not a map")).hasMessage("passed a java.lang.String where a Map goes");
        OutboundRequest request = new OutboundRequest("POST", URI.create("https://example.com/x"), smuggling(), new byte[0], Duration.ofSeconds(1));
        assertThatThrownBy(() -> PluginValues.argument(OutboundRequest.class, request)).hasMessageContaining("headers: the value of 'note'");
        FactDraft draft = FactDraft.of("s", "p", "o", "t").withAttribute("k", "v");
        assertThat(PluginValues.argument(FactDraft.class, draft)).isEqualTo(draft).isNotSameAs(draft);
        assertThat(PluginValues.argument(String.class, null)).isNull();
        assertThat(PluginValues.argument(double.class, 1.5)).isEqualTo(1.5);
    }
}
