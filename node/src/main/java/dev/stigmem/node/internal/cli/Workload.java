package dev.stigmem.node.internal.cli;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.core.TenantWriter;
import dev.stigmem.node.StigmemNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scripted workload for {@code stigmem node --workload FILE}: one step a line, fields separated
 * by {@code |}; a line starting with {@code #} is a comment.
 *
 * <pre>
 * tenant   ID | NAME
 * identity PRINCIPAL | key=value; key=value [| ROLE, ROLE]
 * say      TEXT
 * assert   PRINCIPAL | SUBJECT | PREDICATE | OBJECT | TENANT [| key=value; key=value]
 * recall   PRINCIPAL | TENANT | TEXT | LIMIT
 * </pre>
 *
 * The whole file is parsed before the first step runs; a bad line names file:line. A step the
 * node refuses or that fails at run time is printed with its file:line and the workload goes on.
 */
final class Workload {
    private static final long MAX_BYTES = 1 << 20;
    private static final int MAX_STEPS = 10_000;

    /** One line of the workload. */
    private record Step(int line, String verb, List<String> fields) {
    }

    private final Path file;
    private final List<Step> steps;

    private Workload(Path file, List<Step> steps) {
        this.file = file;
        this.steps = steps;
    }

    /**
     * @throws IllegalArgumentException naming file:line when a line is malformed, or when the file cannot be read
     */
    static Workload read(Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("workload " + file + " is larger than 1 MiB");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read workload " + file + ": " + e.getMessage(), e);
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int space = line.indexOf(' ');
            String verb = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1);
            List<String> fields = verb.equals("say") ? List.of(rest.strip()) : split(rest);
            int[] arity = switch (verb) {
                case "tenant" -> new int[] {2, 2};
                case "identity" -> new int[] {2, 3};
                case "say" -> new int[] {1, 1};
                case "assert" -> new int[] {5, 6};
                case "recall" -> new int[] {4, 4};
                default -> throw new IllegalArgumentException(where + ": unknown step '" + verb
                        + "' (tenant, identity, say, assert, recall)");
            };
            if (fields.size() < arity[0] || fields.size() > arity[1]) {
                throw new IllegalArgumentException(where + ": '" + verb + "' takes " + arity[0]
                        + (arity[1] > arity[0] ? " or " + arity[1] : "") + " fields separated by |, found " + fields.size());
            }
            if (verb.equals("recall")) {
                int limit;
                try {
                    limit = Integer.parseInt(fields.get(3));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": recall LIMIT '" + fields.get(3) + "' is not a number");
                }
                if (limit < 1 || limit > RecallQuery.MAX_LIMIT) {
                    throw new IllegalArgumentException(where + ": recall LIMIT " + limit + " is not between 1 and " + RecallQuery.MAX_LIMIT);
                }
            }
            if (verb.equals("identity")) {
                attributes(where, fields.get(1));
                if (fields.size() == 3) {
                    roles(where, fields.get(2));
                }
            }
            if (verb.equals("assert") && fields.size() == 6) {
                attributes(where, fields.get(5));
            }
            steps.add(new Step(i + 1, verb, fields));
            if (steps.size() > MAX_STEPS) {
                throw new IllegalArgumentException(where + ": more than " + MAX_STEPS + " steps");
            }
        }
        return new Workload(file, List.copyOf(steps));
    }

    /** Runs every step, printing one line each; a denied or failed step is shown and the workload goes on. */
    void run(StigmemNode node, NodeCommand.StepPrinter out) {
        TenantWriter tenants = node.hostApis().handle(TenantWriter.class)
                .orElseThrow(() -> new IllegalStateException("this node does not provide tenant.write to its host"));
        for (Step s : steps) {
            java.util.Optional<String> stop = out.stopRequested();
            if (stop.isPresent()) {
                out.say("stopped by " + stop.get() + " before " + file + ":" + s.line());
                return;
            }
            List<String> f = s.fields();
            out.at(file + ":" + s.line());
            switch (s.verb()) {
                case "say" -> out.say(f.get(0));
                case "tenant" -> out.step("host adds tenant " + f.get(0), () -> {
                    tenants.upsert(new Tenant(f.get(0), f.get(1), Map.of()));
                    return "tenant " + f.get(0);
                });
                case "identity" -> out.step("host puts identity " + f.get(0), () -> {
                    node.putIdentity(new Identity(f.get(0), f.get(0), f.size() == 3 ? roles("", f.get(2)) : Set.of(),
                            attributes("", f.get(1))));
                    return "identity " + f.get(0);
                });
                case "assert" -> out.step(f.get(0) + " asserts (" + f.get(1) + " " + f.get(2) + " " + f.get(3) + ")", () -> {
                    FactDraft d = new FactDraft(f.get(1), f.get(2), f.get(3), f.get(4), f.size() == 6 ? attributes("", f.get(5)) : Map.of());
                    return "fact " + node.assertFact(f.get(0), d).id();
                });
                case "recall" -> out.step(f.get(0) + " recalls '" + f.get(2) + "'", () -> {
                    List<RecallHit> hits = node.recall(f.get(0), new RecallQuery(f.get(1), f.get(2), Integer.parseInt(f.get(3))));
                    return NodeCommand.hits(hits);
                });
                default -> throw new IllegalStateException("unreachable: " + s.verb());
            }
        }
    }

    private static List<String> split(String rest) {
        List<String> out = new ArrayList<>();
        for (String part : rest.split("\\|", -1)) {
            out.add(part.strip());
        }
        return out.size() == 1 && out.get(0).isEmpty() ? List.of() : out;
    }

    /** A role: what authorization hooks compare, so a plain word (letters, digits, {@code . _ : -}), at most 64 characters. */
    private static final java.util.regex.Pattern ROLE = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9._:-]{0,63}");

    /** The roles of an identity step: comma-separated, each a {@link #ROLE}, none twice. */
    private static Set<String> roles(String where, String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException(where + ": identity ROLES is empty; leave the third field out for an identity without roles");
        }
        Set<String> out = new java.util.TreeSet<>();
        for (String part : text.split(",", -1)) {
            String role = part.strip();
            if (!ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException(where + ": role '" + role + "' must be a letter then at most 63 letters, digits, '.', '_', ':' or '-'"
                        + " (roles are separated by commas)");
            }
            if (!out.add(role)) {
                throw new IllegalArgumentException(where + ": role '" + role + "' is given twice");
            }
        }
        return out;
    }

    private static Map<String, String> attributes(String where, String text) {
        Map<String, String> out = new TreeMap<>();
        if (text.isBlank()) {
            return out;
        }
        for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": attribute '" + pair.strip() + "' is not key=value");
            }
            out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return out;
    }
}
