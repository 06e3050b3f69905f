package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.cli.PluginJars;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile plugins, compiled with javac and loaded through a real node (trust, scan, own layer,
 * gated context, durable audit trail), attacking the node through what they hand it: returned
 * maps that answer differently on a second read or never finish, values whose {@code toString}
 * or {@code hashCode} never return, exceptions whose message never returns or is 5 MB of forged
 * lines and terminal escapes, deny reasons of 5 MB, attribute maps passed to
 * {@code AuditEmitter.emit} that change between reads, never end or re-enter the trail.
 *
 * <p>Each test checks that the node returns within the handler time limit (plus a margin), that
 * the failure is audited with bounded, escaped text, that the trail re-opens intact (a second node
 * on the same data directory), and that the node goes on serving a benign plugin, whose
 * well-behaved use of the same routes keeps working.
 */
class HostilePluginTests {

    private static final Duration LIMIT = Duration.ofMillis(300);
    /** How long a node call may take in all: the limit, and a margin for a busy machine. */
    private static final Duration DEADLINE = LIMIT.plusSeconds(2);
    private static final int FIVE_MB = 5 * 1024 * 1024;

    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    @TempDir
    static Path jars;

    @TempDir
    Path plugins;

    @TempDir
    Path data;

    // ---------------------------------------------------------------- the plugins

    private static final String BLOCK = """
            package %s;
            final class Block {
                private Block() {
                }
                /** Never returns: waits on a monitor nobody notifies and ignores interruption, as hostile code would. */
                static <T> T forever() {
                    Object lock = new Object();
                    synchronized (lock) {
                        while (true) {
                            try {
                                lock.wait();
                            } catch (InterruptedException ignored) {
                                // keep waiting
                            }
                        }
                    }
                }
            }
            """;

    private static final String BENIGN = """
            package com.example.benign;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "benign-plugin", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
            public final class Benign implements Plugin, PreAssertAuthorize, PreAssertTransform, RecallRank, PostAssertPersist {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    return r.draft().subject().equals("blocked") ? Vote.deny("blocked subjects are refused") : Vote.allow();
                }
                @Override public AssertRequest preAssertTransform(PluginContext c, AssertRequest r) {
                    return r.withDraft(r.draft().withAttribute("seen-by", "benign"));
                }
                @Override public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    Map<String, Double> out = new HashMap<>();
                    for (RecallHit h : r.hits()) {
                        if (h.fact().subject().equals("boost")) {
                            out.put(h.fact().id(), 5.0);
                        }
                    }
                    return out;
                }
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    c.getAuditEmitter().orElseThrow().emit("benign.persisted", Map.of("fact", e.fact().id()));
                }
            }
            """;

    /** recall_rank: the first read of its entry set boosts the last hit by 10; every later read never returns. */
    private static final String FLIP_RANKER = """
            package com.example.flip;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "flip-ranker", version = "1.0.0", requires = ">=0.9.0")
            public final class FlipRanker implements Plugin, RecallRank {
                @Override public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    return new FlipMap(r.hits().isEmpty() ? "none" : r.hits().get(r.hits().size() - 1).fact().id());
                }
            }
            final class FlipMap extends AbstractMap<String, Double> {
                private final String id;
                private int reads;
                FlipMap(String id) {
                    this.id = id;
                }
                @Override public Set<Map.Entry<String, Double>> entrySet() {
                    if (reads++ == 0) {
                        return Set.of(new AbstractMap.SimpleImmutableEntry<>(id, 10.0));
                    }
                    return Block.forever();
                }
            }
            """;

    /** recall_rank: a map whose iterator's hasNext never returns. */
    private static final String HANG_ITERATOR = """
            package com.example.hangiterator;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "hang-iterator", version = "1.0.0", requires = ">=0.9.0")
            public final class HangIterator implements Plugin, RecallRank {
                @Override public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    return new AbstractMap<String, Double>() {
                        @Override public Set<Map.Entry<String, Double>> entrySet() {
                            return new AbstractSet<Map.Entry<String, Double>>() {
                                @Override public Iterator<Map.Entry<String, Double>> iterator() {
                                    return new Iterator<Map.Entry<String, Double>>() {
                                        @Override public boolean hasNext() {
                                            return Block.<Boolean>forever();
                                        }
                                        @Override public Map.Entry<String, Double> next() {
                                            return Block.forever();
                                        }
                                    };
                                }
                                @Override public int size() {
                                    return 1;
                                }
                            };
                        }
                    };
                }
            }
            """;

    /** recall_rank: a map whose iterator never ends, each entry a new id (no hang: only the bound stops it). */
    private static final String ENDLESS_RANKER = """
            package com.example.endless;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "endless-ranker", version = "1.0.0", requires = ">=0.9.0")
            public final class EndlessRanker implements Plugin, RecallRank {
                @Override public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    return new AbstractMap<String, Double>() {
                        @Override public Set<Map.Entry<String, Double>> entrySet() {
                            return new AbstractSet<Map.Entry<String, Double>>() {
                                @Override public Iterator<Map.Entry<String, Double>> iterator() {
                                    return new Iterator<Map.Entry<String, Double>>() {
                                        private long n;
                                        @Override public boolean hasNext() {
                                            return true;
                                        }
                                        @Override public Map.Entry<String, Double> next() {
                                            return new AbstractMap.SimpleImmutableEntry<>("id-" + n++, 1.0);
                                        }
                                    };
                                }
                                @Override public int size() {
                                    return Integer.MAX_VALUE;
                                }
                            };
                        }
                    };
                }
            }
            """;

    /** recall_rank: a score keyed by an object whose hashCode, equals and toString never return. */
    private static final String HANG_KEY = """
            package com.example.hangkey;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "hang-key", version = "1.0.0", requires = ">=0.9.0")
            public final class HangKeyRanker implements Plugin, RecallRank {
                @Override @SuppressWarnings({"unchecked", "rawtypes"})
                public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    Map.Entry entry = new AbstractMap.SimpleImmutableEntry(new HangKey(), 1.0);
                    List<Map.Entry<String, Double>> entries = List.of(entry);
                    return new AbstractMap<String, Double>() {
                        @Override public Set<Map.Entry<String, Double>> entrySet() {
                            return new AbstractSet<Map.Entry<String, Double>>() {
                                @Override public Iterator<Map.Entry<String, Double>> iterator() {
                                    return entries.iterator();
                                }
                                @Override public int size() {
                                    return 1;
                                }
                            };
                        }
                    };
                }
            }
            final class HangKey {
                @Override public int hashCode() {
                    return Block.<Integer>forever();
                }
                @Override public boolean equals(Object o) {
                    return Block.<Boolean>forever();
                }
                @Override public String toString() {
                    return Block.forever();
                }
            }
            """;

    /** pre_assert_transform: smuggles a non-String whose hashCode, equals and toString never return into a fact's attributes. */
    private static final String HANG_VALUE = """
            package com.example.hangvalue;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "hang-value", version = "1.0.0", requires = ">=0.9.0")
            public final class HangValueTransform implements Plugin, PreAssertTransform {
                @Override @SuppressWarnings({"unchecked", "rawtypes"})
                public AssertRequest preAssertTransform(PluginContext c, AssertRequest r) {
                    FactDraft d = r.draft();
                    Map smuggled = Map.of("note", new HangValue());
                    return r.withDraft(new FactDraft(d.subject(), d.predicate(), d.object(), d.tenant(), smuggled));
                }
            }
            final class HangValue {
                @Override public int hashCode() {
                    return Block.<Integer>forever();
                }
                @Override public boolean equals(Object o) {
                    return Block.<Boolean>forever();
                }
                @Override public String toString() {
                    return Block.forever();
                }
            }
            """;

    /** pre_assert_authorize: throws an exception none of whose texts ever return. */
    private static final String HANG_MESSAGE = """
            package com.example.hangmessage;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "hang-message", version = "1.0.0", requires = ">=0.9.0")
            public final class HangMessage implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    throw new HangingException();
                }
            }
            final class HangingException extends RuntimeException {
                @Override public String getMessage() {
                    return Block.forever();
                }
                @Override public String getLocalizedMessage() {
                    return Block.forever();
                }
                @Override public String toString() {
                    return Block.forever();
                }
                @Override public StackTraceElement[] getStackTrace() {
                    return Block.forever();
                }
                @Override public void printStackTrace() {
                    Block.forever();
                }
            }
            """;

    /** The start of the plugins' 5 MB texts: forged console lines, terminal escapes (7- and 8-bit), a bidi override, a line separator. */
    private static final String FORGED = "first line\nINFO node started: all plugins verified\r\n\u001b[2J\u001b[31mred\u001b]0;title\u0007\u009b1m\u202e\u2028";
    /** That text, then 5 MiB of 'x', as a Java expression in a plugin's source. */
    private static final String FORGERY = javaLiteral(FORGED) + " + \"x\".repeat(" + FIVE_MB + ")";

    // Octal escapes below U+0080 (a Unicode escape of CR or LF would end the literal: javac reads those before lexing).
    private static String javaLiteral(String text) {
        StringBuilder b = new StringBuilder("\"");
        text.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c)
                : c < 0x80 ? String.format(java.util.Locale.ROOT, "\\%03o", c) : String.format(java.util.Locale.ROOT, "\\%s%04x", "u", c)));
        return b.append('"').toString();
    }

    /** pre_assert_authorize: throws an exception whose message is 5 MB of forged lines and escapes. */
    private static final String HUGE_MESSAGE = """
            package com.example.hugemessage;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "huge-message", version = "1.0.0", requires = ">=0.9.0")
            public final class HugeMessage implements Plugin, PreAssertAuthorize {
                // built when the plugin loads, so that the timed call measures the node's handling of it,
                // not 5 MB of string building on a busy machine
                private static final String MESSAGE = %s;
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    throw new IllegalStateException(MESSAGE);
                }
            }
            """.formatted(FORGERY);

    /** pre_assert_authorize: denies with a 5 MB reason of forged lines and escapes. */
    private static final String HUGE_DENY = """
            package com.example.hugedeny;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "huge-deny", version = "1.0.0", requires = ">=0.9.0")
            public final class HugeDeny implements Plugin, PreAssertAuthorize {
                // built when the plugin loads (see HugeMessage)
                private static final String REASON = %s;
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    return Vote.deny(REASON);
                }
            }
            """.formatted(FORGERY);

    /**
     * post_assert_persist with audit.emit, emitting an event whose attribute map is {@code MAP}: the
     * plugin lets whatever emit throws escape its handler.
     */
    private static String emitter(String name, String map) {
        String pkg = "com.example." + name.replace("-", "");
        return """
                package %s;
                import dev.stigmem.api.*;
                import dev.stigmem.api.core.*;
                import dev.stigmem.api.hook.*;
                import java.util.*;
                @StigmemPlugin(name = "%s", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
                public final class Emitter implements Plugin, PostAssertPersist {
                    @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                        AuditEmitter emitter = c.getAuditEmitter().orElseThrow();
                        emitter.emit("%s.did", new Attributes(emitter));
                    }
                }
                final class Attributes extends AbstractMap<String, String> {
                    private final AuditEmitter emitter;
                    private int reads;
                    Attributes(AuditEmitter emitter) {
                        this.emitter = emitter;
                    }
                    %s
                }
                """.formatted(pkg, name, name, map);
    }

    /** First read: one small attribute; every later read: 100 attributes of 10,000 chars (over every bound). */
    private static final String EMIT_FLIP = emitter("emit-flip", """
            @Override public Set<Map.Entry<String, String>> entrySet() {
                if (reads++ == 0) {
                    return Set.of(new AbstractMap.SimpleImmutableEntry<>("k", "v"));
                }
                Map<String, String> big = new HashMap<>();
                for (int i = 0; i < 100; i++) {
                    big.put("k" + i, "z".repeat(10_000));
                }
                return big.entrySet();
            }
            """);

    /** First two reads (what a check would read): one small attribute; every later read never returns. */
    private static final String EMIT_LATE_HANG = emitter("emit-late-hang", """
            @Override public Set<Map.Entry<String, String>> entrySet() {
                if (reads++ < 2) {
                    return Set.of(new AbstractMap.SimpleImmutableEntry<>("k", "v"));
                }
                return Block.forever();
            }
            """);

    /** An iterator that never ends, a new attribute each time. */
    private static final String EMIT_ENDLESS = emitter("emit-endless", """
            @Override public Set<Map.Entry<String, String>> entrySet() {
                return new AbstractSet<Map.Entry<String, String>>() {
                    @Override public Iterator<Map.Entry<String, String>> iterator() {
                        return new Iterator<Map.Entry<String, String>>() {
                            private long n;
                            @Override public boolean hasNext() {
                                return true;
                            }
                            @Override public Map.Entry<String, String> next() {
                                return new AbstractMap.SimpleImmutableEntry<>("k" + n++, "v");
                            }
                        };
                    }
                    @Override public int size() {
                        return 1;
                    }
                };
            }
            """);

    /** An iterator whose hasNext never returns. */
    private static final String EMIT_HANG = emitter("emit-hang", """
            @Override public Set<Map.Entry<String, String>> entrySet() {
                return new AbstractSet<Map.Entry<String, String>>() {
                    @Override public Iterator<Map.Entry<String, String>> iterator() {
                        return new Iterator<Map.Entry<String, String>>() {
                            @Override public boolean hasNext() {
                                return Block.<Boolean>forever();
                            }
                            @Override public Map.Entry<String, String> next() {
                                return Block.forever();
                            }
                        };
                    }
                    @Override public int size() {
                        return 1;
                    }
                };
            }
            """);

    /** Every read of the map first emits another event through the same emitter (re-entering the trail). */
    private static final String EMIT_REENTER = emitter("emit-reenter", """
            @Override public Set<Map.Entry<String, String>> entrySet() {
                if (reads++ < 3) {
                    emitter.emit("emit-reenter.inner", Map.of("read", Integer.toString(reads)));
                }
                return Set.of(new AbstractMap.SimpleImmutableEntry<>("k", "v"));
            }
            """);

    /**
     * post_assert_persist (on a fact about "trigger"), with facts.write, tenant.write and facts.read:
     * hands each core API a record smuggling an object whose hashCode, equals and toString never
     * return, and emits what each call answered.
     */
    private static final String SMUGGLER = """
            package com.example.smuggler;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "smuggler", version = "1.0.0", requires = ">=0.9.0",
                    capabilities = {"facts.write", "facts.read", "tenant.write", "audit.emit"})
            public final class Smuggler implements Plugin, PostAssertPersist {
                @Override @SuppressWarnings({"unchecked", "rawtypes"})
                public void postAssertPersist(PluginContext c, FactEvent e) {
                    if (!e.fact().subject().equals("trigger")) {
                        return;
                    }
                    Map smuggled = Map.of("note", new HangValue());
                    Map<String, String> answers = new TreeMap<>();
                    try {
                        c.getFactsWriter().orElseThrow().assertFact(new FactDraft("smuggled", "p", "o", "default", smuggled));
                        answers.put("facts", "accepted");
                    } catch (IllegalArgumentException refused) {
                        answers.put("facts", refused.getMessage());
                    }
                    try {
                        c.getTenantWriter().orElseThrow().upsert(new Tenant("smuggled", "S", smuggled));
                        answers.put("tenant", "accepted");
                    } catch (IllegalArgumentException refused) {
                        answers.put("tenant", refused.getMessage());
                    }
                    try {
                        c.getFactsReader().orElseThrow().find(new FactQuery("default", (Optional) Optional.of(new HangValue()), Optional.empty(), 10));
                        answers.put("query", "accepted");
                    } catch (IllegalArgumentException refused) {
                        answers.put("query", refused.getMessage());
                    }
                    c.getAuditEmitter().orElseThrow().emit("smuggler.answers", answers);
                }
            }
            final class HangValue {
                @Override public int hashCode() {
                    return Block.<Integer>forever();
                }
                @Override public boolean equals(Object o) {
                    return Block.<Boolean>forever();
                }
                @Override public String toString() {
                    return Block.forever();
                }
            }
            """;

    private static final Map<String, Path> JARS = new TreeMap<>();

    @BeforeAll
    static void compilePlugins() {
        compile("benign-plugin", "com.example.benign", "Benign", BENIGN);
        compile("flip-ranker", "com.example.flip", "FlipRanker", FLIP_RANKER);
        compile("hang-iterator", "com.example.hangiterator", "HangIterator", HANG_ITERATOR);
        compile("endless-ranker", "com.example.endless", "EndlessRanker", ENDLESS_RANKER);
        compile("hang-key", "com.example.hangkey", "HangKeyRanker", HANG_KEY);
        compile("hang-value", "com.example.hangvalue", "HangValueTransform", HANG_VALUE);
        compile("hang-message", "com.example.hangmessage", "HangMessage", HANG_MESSAGE);
        compile("huge-message", "com.example.hugemessage", "HugeMessage", HUGE_MESSAGE);
        compile("huge-deny", "com.example.hugedeny", "HugeDeny", HUGE_DENY);
        compile("emit-flip", "com.example.emitflip", "Emitter", EMIT_FLIP);
        compile("emit-endless", "com.example.emitendless", "Emitter", EMIT_ENDLESS);
        compile("emit-hang", "com.example.emithang", "Emitter", EMIT_HANG);
        compile("emit-late-hang", "com.example.emitlatehang", "Emitter", EMIT_LATE_HANG);
        compile("emit-reenter", "com.example.emitreenter", "Emitter", EMIT_REENTER);
        compile("smuggler", "com.example.smuggler", "Smuggler", SMUGGLER);
    }

    private static void compile(String name, String pkg, String entry, String source) {
        String dir = pkg.replace('.', '/') + "/";
        JARS.put(name, PluginJars.compile(jars, name + ".jar", Map.of(dir + entry + ".java", source,
                dir + "Block.java", BLOCK.formatted(pkg)), pkg + "." + entry));
    }

    // ---------------------------------------------------------------- the node

    /** A node over the benign plugin and {@code hostile}, with the handler time limit or without one. */
    private StigmemNode start(boolean timed, String hostile) {
        return start(timed, hostile, b -> { });
    }

    private StigmemNode start(boolean timed, String hostile, java.util.function.Consumer<StigmemNode.Builder> more) {
        try {
            for (String name : List.of("benign-plugin", hostile)) {
                Path target = plugins.resolve(name + ".jar");
                if (!Files.exists(target)) {
                    Files.copy(JARS.get(name), target);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StigmemNode.Builder b = StigmemNode.builder().pluginDirectory(plugins).dataDirectory(data).trustPolicy(DEVELOPMENT);
        if (timed) {
            b.handlerTimeout(LIMIT);
        }
        more.accept(b);
        return b.start();
    }

    /** Runs a node call, failing (not hanging) if it takes longer than the limit and the margin. */
    private static <T> T within(Supplier<T> call) {
        return assertTimeoutPreemptively(DEADLINE, call::get, "the node did not return within the handler time limit and the margin");
    }

    private static void withinDo(Runnable call) {
        within(() -> {
            call.run();
            return null;
        });
    }

    private static final FactDraft TEA = FactDraft.of("alice", "likes", "tea", "default");

    /** The benign plugin still votes, transforms, ranks and emits: the node goes on serving it. */
    private static void assertBenignPluginServes(StigmemNode node) {
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", FactDraft.of("blocked", "p", "o", "default"))))
                .isInstanceOfSatisfying(OperationDeniedException.class,
                        e -> assertThat(e.reason()).isEqualTo("blocked subjects are refused"));
    }

    /**
     * Text the node audited or threw for a plugin: bounded (the limit, the truncation marker and
     * {@code extra} chars of the node's own words), no control, format or separator character.
     */
    private static void assertBoundedAndEscaped(String text, int extra) {
        assertThat(text.length()).isLessThanOrEqualTo(PluginText.LIMIT + 40 + extra);
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            assertThat(type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE)
                    .as("U+%04X in %s", cp, text.substring(0, Math.min(text.length(), 200))).isFalse();
        });
    }

    private static List<AuditEvent> failures(StigmemNode node, String plugin) {
        return node.audit().byAction("hook.handler_failed", 1000).stream().filter(e -> e.actor().equals("plugin:" + plugin)).toList();
    }

    /**
     * Closes the node and starts another on the same data directory and plugins: the trail opens
     * (every line parses, the sequence is gapless), holds what the first node recorded, goes on, and
     * the benign plugin serves.
     */
    private void assertTrailReopens(StigmemNode node, boolean timed, String hostile) throws IOException {
        List<AuditEvent> before = node.audit().recent(1000);
        node.close();
        List<String> lines = Files.readAllLines(data.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(before.size() + 1); // and node.stopped
        for (String line : lines) {
            assertThat(line.length()).as("an audit line").isLessThan(64 * 1024);
        }
        try (StigmemNode again = start(timed, hostile)) {
            List<AuditEvent> after = again.audit().recent(1000);
            for (int i = 0; i < after.size(); i++) {
                assertThat(after.get(i).sequence()).isEqualTo(i + 1);
            }
            assertThat(after.subList(0, before.size())).isEqualTo(before);
            assertBenignPluginServes(again);
        }
    }

    // ---------------------------------------------------------------- returned maps and values

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aScoreMapThatAnswersDifferentlyOnASecondReadIsReadOnce(boolean timed) throws IOException {
        StigmemNode node = start(timed, "flip-ranker");
        String first = node.assertFact("alice", TEA).id();
        String second = node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default")).id();
        List<RecallHit> hits = within(() -> node.recall("alice", new RecallQuery("default", "tea", 10)));
        // The first read boosted the last hit by 10; had the node read the map again, it would hang.
        assertThat(hits).extracting(h -> h.fact().id()).containsExactly(second, first);
        assertThat(hits.get(0).score()).isEqualTo(11.0);
        assertThat(failures(node, "flip-ranker")).isEmpty();
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "flip-ranker");
    }

    @Test
    void aScoreMapWhoseIteratorNeverReturnsIsCutByTheTimeLimit() throws IOException {
        StigmemNode node = start(true, "hang-iterator");
        node.assertFact("alice", TEA);
        assertThatThrownBy(() -> within(() -> node.recall("alice", new RecallQuery("default", "tea", 10))))
                .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                    assertThat(e.pluginName()).isEqualTo("hang-iterator");
                    assertThat(e).hasMessageEndingWith("did not return within 300 ms").hasNoCause();
                });
        assertThat(failures(node, "hang-iterator")).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("error", "did not return within 300 ms"));
        assertBenignPluginServes(node);
        assertTrailReopens(node, true, "hang-iterator");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aScoreMapThatNeverEndsIsCutByTheBound(boolean timed) throws IOException {
        StigmemNode node = start(timed, "endless-ranker");
        node.assertFact("alice", TEA);
        assertThatThrownBy(() -> within(() -> node.recall("alice", new RecallQuery("default", "tea", 10))))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageEndingWith("returned more than 10000 score deltas");
        assertThat(failures(node, "endless-ranker")).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("error", "returned more than 10000 score deltas"));
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "endless-ranker");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aScoreKeyWhoseHashCodeAndToStringNeverReturnIsRefusedByItsClassAlone(boolean timed) throws IOException {
        StigmemNode node = start(timed, "hang-key");
        node.assertFact("alice", TEA);
        assertThatThrownBy(() -> within(() -> node.recall("alice", new RecallQuery("default", "tea", 10))))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageEndingWith("returned a score delta that is not a finite number keyed by id: a key of class com.example.hangkey.HangKey");
        assertThat(failures(node, "hang-key")).hasSize(1);
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "hang-key");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aFilterValueSmugglingAnObjectWhoseToStringNeverReturnsIsRefusedAndNothingIsPersisted(boolean timed) throws IOException {
        StigmemNode node = start(timed, "hang-value");
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", TEA)))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageEndingWith("returned a AssertRequest the node does not take: fact attributes: the value of 'note' is a "
                        + "com.example.hangvalue.HangValue, not a String");
        assertThat(node.audit().byAction("fact.asserted", 10)).isEmpty();
        assertThat(failures(node, "hang-value")).hasSize(1);
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "hang-value");
    }

    // ---------------------------------------------------------------- thrown exceptions and deny reasons

    @Test
    void anExceptionWhoseMessageNeverReturnsIsCutByTheTimeLimit() throws IOException {
        StigmemNode node = start(true, "hang-message");
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", TEA)))
                .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                    assertThat(e).hasMessageEndingWith("did not return within 300 ms").hasNoCause();
                    assertThat(e.getSuppressed()).isEmpty();
                });
        assertThat(failures(node, "hang-message")).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("error", "did not return within 300 ms"));
        assertBenignPluginServes(node);
        assertTrailReopens(node, true, "hang-message");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aFiveMegabyteExceptionMessageWithForgedLinesIsBoundedAndEscaped(boolean timed) throws IOException {
        StigmemNode node = start(timed, "huge-message");
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", TEA)))
                .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                    assertThat(e).hasNoCause();
                    assertBoundedAndEscaped(e.getMessage(), 200);
                    assertThat(e.getMessage())
                            .contains("threw java.lang.IllegalStateException: first line\\u000aINFO node started: all plugins verified"
                                    + "\\u000d\\u000a\\u001b[2J\\u001b[31mred\\u001b]0;title\\u0007\\u009b1m\\u202e\\u2028xxx")
                            .endsWith("...[truncated, " + ("java.lang.IllegalStateException: ".length() + FORGED.length() + FIVE_MB) + " chars]");
                });
        AuditEvent failure = failures(node, "huge-message").get(0);
        assertBoundedAndEscaped(failure.attributes().get("error"), 0);
        assertThat(failure.attributes().get("error")).startsWith("threw java.lang.IllegalStateException: first line\\u000a");
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "huge-message");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void aFiveMegabyteDenyReasonWithForgedLinesIsBoundedAndEscaped(boolean timed) throws IOException {
        StigmemNode node = start(timed, "huge-deny");
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", TEA)))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> {
                    assertBoundedAndEscaped(e.reason(), 0);
                    assertBoundedAndEscaped(e.getMessage(), 100);
                    assertThat(e.reason()).startsWith("first line\\u000aINFO node started").endsWith("...[truncated, " + (FORGED.length() + FIVE_MB) + " chars]");
                });
        AuditEvent denied = node.audit().byAction("hook.denied", 10).get(0);
        assertThat(denied.actor()).isEqualTo("plugin:huge-deny");
        assertBoundedAndEscaped(denied.attributes().get("reason"), 0);
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "huge-deny");
    }

    // ---------------------------------------------------------------- maps passed to AuditEmitter.emit

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void anEmittedMapThatChangesBetweenReadsIsWrittenAsFirstRead(boolean timed) throws IOException {
        StigmemNode node = start(timed, "emit-flip");
        within(() -> node.assertFact("alice", TEA));
        assertThat(node.audit().byAction("emit-flip.did", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).isEqualTo(Map.of("k", "v")));
        assertThat(failures(node, "emit-flip")).isEmpty();
        assertThat(node.audit().byAction("benign.persisted", 10)).hasSize(1);
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "emit-flip");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void anEmittedMapThatHangsAfterItsCheckIsNotReadAgainUnderTheTrailsLock(boolean timed) throws IOException {
        StigmemNode node = start(timed, "emit-late-hang");
        within(() -> node.assertFact("alice", TEA));
        assertThat(node.audit().byAction("emit-late-hang.did", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).isEqualTo(Map.of("k", "v")));
        assertThat(failures(node, "emit-late-hang")).isEmpty();
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "emit-late-hang");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void anEmittedMapThatNeverEndsIsRefusedAtTheAttributeBound(boolean timed) throws IOException {
        StigmemNode node = start(timed, "emit-endless");
        // post_assert_persist is fire and forget: the assert goes on, the failure is audited.
        assertThat(within(() -> node.assertFact("alice", TEA)).id()).isNotBlank();
        assertThat(node.audit().byAction("emit-endless.did", 10)).isEmpty();
        assertThat(failures(node, "emit-endless")).singleElement().satisfies(f -> assertThat(f.attributes().get("error"))
                .isEqualTo("threw java.lang.IllegalArgumentException: plugin 'emit-endless' cannot emit audit event 'emit-endless.did': "
                        + "attributes: more than 32 entries"));
        assertThat(node.audit().byAction("benign.persisted", 10)).hasSize(1);
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "emit-endless");
    }

    @Test
    void anEmittedMapWhoseIteratorNeverReturnsHoldsNoLockOfTheTrail() throws IOException {
        StigmemNode node = start(true, "emit-hang");
        assertThat(within(() -> node.assertFact("alice", TEA)).id()).isNotBlank();
        // The hung handler still runs, reading its map: the trail is not locked by it.
        assertThat(failures(node, "emit-hang")).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("error", "did not return within 300 ms"));
        assertThat(within(() -> node.assertFact("alice", FactDraft.of("bob", "likes", "tea", "default"))).id()).isNotBlank();
        assertThat(node.audit().byAction("benign.persisted", 10)).hasSize(2);
        assertBenignPluginServes(node);
        assertTrailReopens(node, true, "emit-hang");
    }

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void anEmittedMapThatReEntersTheTrailWhileReadLeavesAGaplessTrail(boolean timed) throws IOException {
        StigmemNode node = start(timed, "emit-reenter");
        within(() -> node.assertFact("alice", TEA));
        List<AuditEvent> events = new ArrayList<>(node.audit().recent(1000));
        assertThat(node.audit().byAction("emit-reenter.inner", 10)).hasSize(1);
        assertThat(node.audit().byAction("emit-reenter.did", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).isEqualTo(Map.of("k", "v")));
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequence()).isEqualTo(i + 1);
        }
        assertTrailReopens(node, timed, "emit-reenter");
    }

    // ---------------------------------------------------------------- arguments to core API handles

    @ParameterizedTest(name = "time limit: {0}")
    @ValueSource(booleans = {true, false})
    void coreApisRefuseRecordsSmugglingPluginObjectsAndObserversSeeOnlyTheNodesCopies(boolean timed) throws IOException {
        List<CoreCall> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        StigmemNode node = start(timed, "smuggler", b -> b.observeCoreCalls(calls::add));
        within(() -> node.assertFact("alice", FactDraft.of("trigger", "likes", "tea", "default")));
        String refusal = "the value of 'note' is a com.example.smuggler.HangValue, not a String";
        assertThat(node.audit().byAction("smuggler.answers", 10)).singleElement().satisfies(e -> assertThat(e.attributes())
                .containsEntry("facts", "fact attributes: " + refusal)
                .containsEntry("tenant", "tenant attributes: " + refusal)
                .containsEntry("query", "subject: a com.example.smuggler.HangValue, not a String"));
        assertThat(node.audit().byAction("fact.asserted", 10)).hasSize(1); // the trigger, not the smuggled fact
        assertThat(node.audit().byAction("tenant.upserted", 10)).isEmpty();
        // What the host's observer keeps is the node's: it can print and compare it on any thread.
        assertThat(calls).filteredOn(c -> c.plugin().equals("smuggler")).extracting(CoreCall::method)
                .containsExactly("assertFact", "upsert", "find", "emit");
        for (CoreCall call : calls) {
            for (Object argument : call.arguments()) {
                assertThat(argument.getClass().getModule()).isIn(Object.class.getModule(), FactDraft.class.getModule());
            }
            call.failure().ifPresent(f -> assertThat(f.getClass().getModule()).isIn(Object.class.getModule(), CoreCall.class.getModule()));
        }
        assertThat(within(calls::toString)).contains("smuggler -> FactsWriter.assertFact[] threw");
        assertBenignPluginServes(node);
        assertTrailReopens(node, timed, "smuggler");
    }

    @Test
    void aCoreCallObserverGetsTheCopyTheHandleGotNotThePluginsMap() throws IOException {
        List<CoreCall> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        StigmemNode node = start(true, "emit-flip", b -> b.observeCoreCalls(calls::add));
        within(() -> node.assertFact("alice", TEA));
        assertThat(node.audit().byAction("emit-flip.did", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).isEqualTo(Map.of("k", "v")));
        CoreCall emit = calls.stream().filter(c -> c.plugin().equals("emit-flip")).findFirst().orElseThrow();
        Map<?, ?> observed = emit.argument(1, Map.class);
        assertThat(observed.getClass().getModule()).isEqualTo(Object.class.getModule());
        assertThat(within(observed::toString)).isEqualTo("{k=v}");
        assertTrailReopens(node, true, "emit-flip");
    }
}
