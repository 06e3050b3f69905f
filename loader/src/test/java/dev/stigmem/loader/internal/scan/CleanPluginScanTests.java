package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.scanSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanReport;
import org.junit.jupiter.api.Test;

/** Well-behaved plugins, written the way plugin authors write Java 17, must come out without findings. */
class CleanPluginScanTests {

    @Test
    void idiomaticPluginUsingItsDeclaredCapabilitiesHasNoFindings() {
        ScanReport report = scanSource("p/Clean.java", """
                package p;
                import dev.stigmem.api.*;
                import dev.stigmem.api.core.*;
                import dev.stigmem.api.hook.*;
                import java.time.Instant;
                import java.util.*;
                import java.util.concurrent.ConcurrentHashMap;
                import java.util.function.Function;
                import java.util.stream.Collectors;

                @StigmemPlugin(name = "clean-plugin", version = "1.0.0", requires = ">=0.9.0",
                               capabilities = {"facts.read", "audit.emit"})
                public final class Clean implements Plugin {
                    enum Color { RED, GREEN }
                    record Seen(String id, Instant at) {}
                    sealed interface Shape permits Box, Dot {}
                    record Box(int w) implements Shape {}
                    record Dot() implements Shape {}

                    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

                    @Override
                    public void start(PluginContext ctx) {
                        ctx.getFactsReader().ifPresent(r -> seen.put("x", new Seen("x", Instant.EPOCH)));
                        Optional<AuditEmitter> audit = ctx.getAuditEmitter();
                        audit.isPresent();
                        String joined = seen.values().stream().map(Seen::id).sorted()
                                .collect(Collectors.joining(",", "[", "]"));
                        Function<String, Integer> len = String::length;
                        StringBuilder b = new StringBuilder("n=" + len.apply(joined) + joined);
                        for (Color c : Color.values()) {
                            switch (c) {
                                case RED -> b.append('r');
                                case GREEN -> b.append('g');
                            }
                        }
                        switch (joined) {
                            case "a" -> b.append(1);
                            default -> b.append(2);
                        }
                        Object o = b;
                        if (o instanceof CharSequence cs && cs.length() > 3) {
                            b.append(cs.charAt(0));
                        }
                        try {
                            Integer.parseInt(joined);
                        } catch (NumberFormatException e) {
                            b.append(e.getMessage());
                        }
                        new Seen("y", Instant.now()).equals(null);
                        area(new Box(2));
                    }

                    static int area(Shape s) {
                        return s instanceof Box bx ? bx.w() * bx.w() : 0;
                    }

                    @Override
                    public Health health() {
                        return Health.unknown();
                    }
                }
                """, "facts.read", "audit.emit");

        assertThat(brief(report.findings())).isEmpty();
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(report.classesScanned()).isGreaterThanOrEqualTo(6);
    }
}
