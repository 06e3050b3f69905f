package dev.stigmem.node.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stigmem.loader.PluginCandidate;
import dev.stigmem.loader.PluginDeclarationException;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.PluginSetException;
import dev.stigmem.loader.scan.SarifLog;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stigmem scan}: the pre-scan report of archives, without loading anything. Exit 0 when no
 * archive has a DENY finding, 1 when one has or its declaration is refused (no or two entry
 * classes, invalid manifest, module {@code requires} outside the allowlist), 2 when an archive
 * cannot be read (corrupt, unsafe, over a bound, an unreadable class file).
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Pre-scan plugin archives: every reference to a capability accessor beyond the manifest, and to JDK APIs outside the policy.",
                "Nothing is loaded or run. Exit 0: no DENY finding; 1: an archive would be rejected; 2: an archive cannot be read."})
final class ScanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ARCHIVE", arity = "0..*", description = "Plugin archives: a .jar, a .zip of jars or a directory of jars.")
    List<Path> archives = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR", description = "Also scan every archive of this plugin directory.")
    Path pluginDirectory;

    @Option(names = "--json", description = "Print one JSON document (an array, one element per archive) instead of text.")
    boolean json;

    @Option(names = "--policy", paramLabel = "FILE", description = "An operator policy file extending the shipped scan policy.")
    Path policyFile;

    @Option(names = "--sarif", paramLabel = "FILE", description = {"Also write the findings of every archive as one SARIF 2.1.0 log to FILE (- for standard output, instead of the report),",
            "for code-scanning UIs: rule ids, reasons as help text, jar entry, class, method and line of each finding."})
    Path sarifFile;

    /** What scanning one archive gave: a report, or why there is none. */
    private sealed interface Outcome permits Scanned, Refused, Unreadable {
        Path archive();
    }

    private record Scanned(Path archive, ScanReport report) implements Outcome {
    }

    /** Read, but its declaration breaks a rule: rejected without a bytecode report. */
    private record Refused(Path archive, String reason) implements Outcome {
    }

    private record Unreadable(Path archive, String reason) implements Outcome {
    }

    @Override
    public Integer call() throws Exception {
        List<Path> all = new ArrayList<>(archives);
        if (pluginDirectory != null) {
            try {
                all.addAll(PluginLoader.archivesIn(pluginDirectory));
            } catch (PluginSetException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.failures().get(0).getMessage());
            }
        }
        if (all.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "nothing to scan: give ARCHIVE arguments or --plugins DIR");
        }
        ScanPolicy policy = policyFile == null ? ScanPolicy.shipped() : ScanPolicy.shipped().withOperatorPolicy(policyFile);
        List<Outcome> outcomes = scanAll(all, policy);

        PrintWriter out = spec.commandLine().getOut();
        int rejected = 0;
        int unreadable = 0;
        for (Outcome o : outcomes) {
            if (o instanceof Scanned s && s.report().hasDeny() || o instanceof Refused) {
                rejected++;
            } else if (o instanceof Unreadable) {
                unreadable++;
            }
        }
        boolean sarifToOut = sarifFile != null && sarifFile.toString().equals("-");
        if (sarifFile != null) {
            String sarif = toSarif(outcomes);
            if (sarifToOut) {
                out.print(sarif);
            } else {
                Sarif.write(sarifFile, sarif);
            }
        }
        if (sarifToOut) {
            out.flush();
        } else if (json) {
            out.println(toJson(outcomes));
        } else {
            for (Outcome o : outcomes) {
                if (o instanceof Scanned s) {
                    out.print(s.report().toText());
                } else if (o instanceof Refused r) {
                    out.printf(Locale.ROOT, "Scan of %s%nREJECT %s%n", r.archive(), r.reason());
                } else if (o instanceof Unreadable u) {
                    out.printf(Locale.ROOT, "Scan of %s%nERROR %s%n", u.archive(), u.reason());
                }
                out.println();
            }
            out.printf(Locale.ROOT, "%d archive%s scanned: %d accepted, %d rejected, %d unreadable%n", outcomes.size(),
                    outcomes.size() == 1 ? "" : "s", outcomes.size() - rejected - unreadable, rejected, unreadable);
        }
        return unreadable > 0 ? ExitStatus.USAGE_OR_INPUT : rejected > 0 ? ExitStatus.REJECTED : ExitStatus.OK;
    }

    /** Scans archives in parallel across the cores; results stay in argument order. */
    private List<Outcome> scanAll(List<Path> all, ScanPolicy policy) throws InterruptedException {
        // The policy also holds the modules a plugin may require, which inspect checks.
        PluginLoader loader = PluginLoader.builder().scanPolicy(policy).build();
        int threads = Math.max(1, Math.min(all.size(), Runtime.getRuntime().availableProcessors()));
        boolean progress = System.console() != null && all.size() > 1;
        AtomicInteger done = new AtomicInteger();
        PrintWriter err = spec.commandLine().getErr();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stigmem-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Path a : all) {
                futures.add(pool.submit(() -> {
                    Outcome o = scanOne(loader, a, policy);
                    int n = done.incrementAndGet();
                    if (progress) {
                        synchronized (err) {
                            err.printf(Locale.ROOT, "\rscanned %d/%d", n, all.size());
                            err.flush();
                        }
                    }
                    return o;
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("scanner failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }
            if (progress) {
                err.println();
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome scanOne(PluginLoader loader, Path archive, ScanPolicy policy) {
        try {
            PluginCandidate candidate = loader.inspect(archive);
            return new Scanned(archive, ScanCheck.scan(candidate, policy));
        } catch (PluginDeclarationException e) {
            return new Refused(archive, e.getMessage());
        } catch (PluginLoadException | ScanException e) {
            return new Unreadable(archive, e.getMessage());
        }
    }

    /** Every outcome in one log: findings as results, refused declarations as results, unreadable archives as errors. */
    private static String toSarif(List<Outcome> outcomes) {
        SarifLog.Builder log = SarifLog.builder();
        for (Outcome o : outcomes) {
            if (o instanceof Scanned s) {
                log.add(s.report());
            } else if (o instanceof Refused r) {
                log.addResult(r.archive().toString(), SarifLog.DECLARATION_RULE, Severity.DENY, "", r.reason(), Optional.empty());
            } else if (o instanceof Unreadable u) {
                log.addError(u.archive().toString(), u.reason());
            }
        }
        return log.toJson();
    }

    private static String toJson(List<Outcome> outcomes) throws java.io.IOException {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (Outcome o : outcomes) {
            ObjectNode node = array.addObject();
            node.put("archive", o.archive().toString());
            if (o instanceof Scanned s) {
                node.set("report", mapper.readTree(s.report().toJson()));
            } else if (o instanceof Refused r) {
                node.put("rejected", r.reason());
            } else if (o instanceof Unreadable u) {
                node.put("error", u.reason());
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }
}
