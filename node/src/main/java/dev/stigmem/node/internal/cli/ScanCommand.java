package dev.stigmem.node.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.stigmem.node.internal.untrusted.PluginText;
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
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code stigmem scan}: the pre-scan report of archives, without loading anything.
 *
 * <p>Each archive is reported on its own: whatever happens to one (a corrupt zip, a limit, an
 * unreadable class file, the JVM running out of memory while it is scanned) is that archive's
 * outcome, and the others' reports are printed all the same. Archives are scanned in parallel
 * within the loader's memory budget for concurrent archives; one that ran out of memory while
 * others were scanned is scanned again alone before it is reported so.
 *
 * <p>Exit status of the batch: 2 when any archive cannot be judged (cannot be read, is over a
 * limit, or its scan ran out of memory even alone), else 1 when any would be rejected (a DENY
 * finding or a refused declaration: no or two entry classes, invalid manifest, module
 * {@code requires} outside the allowlist), else 0. An archive that cannot be judged weighs more
 * than one judged and rejected: the batch gave no verdict on it.
 *
 * <p>The text report escapes control characters in everything that comes from an archive or a
 * file name, and says what went wrong in words; the class of the underlying exception is shown
 * with {@code --verbose} and always in the JSON ({@code cause}).
 */
final class ScanCommand implements Callable<Integer> {

    /** Longest archive path shown in the text report, in characters (escaped). */
    private static final int PATH_LIMIT = 4096;
    /** Longest refusal or error shown in the text report, in characters (escaped). */
    private static final int REASON_LIMIT = 8192;

    final CommandSpec spec;
    private final Arg<List<Path>> archives;
    private final Arg<Path> pluginDirectory;
    private final Arg<Boolean> json;
    private final Arg<Boolean> verbose;
    private final Arg<Path> policyFile;
    private final Arg<Path> sarifFile;

    ScanCommand() {
        CommandModel m = new CommandModel("scan", this,
                "Pre-scan plugin archives for references to undeclared capabilities and to JDK APIs outside the policy.",
                "Nothing is loaded or run. Each archive is reported on its own.",
                "Exit 0: no DENY finding; 1: an archive would be rejected; 2: an archive cannot be read or judged (this wins over 1).");
        archives = m.positionals("ARCHIVE", Path.class, "Plugin archives: a .jar, a .zip of jars or a directory of jars.");
        pluginDirectory = m.option("--plugins", "DIR", Path.class, "Also scan every archive of this plugin directory.");
        json = m.flag("--json", "Print one JSON document (an array, one element per archive) instead of text.");
        verbose = m.flag("--verbose", "Also show the class of the exception behind an archive that cannot be read.");
        policyFile = m.option("--policy", "FILE", Path.class, "An operator policy file extending the shipped scan policy.");
        sarifFile = m.option("--sarif", "FILE", Path.class,
                "Also write the findings of every archive as one SARIF 2.1.0 log to FILE (- for standard output, instead of the report),",
                "for code-scanning UIs: rule ids, reasons as help text, jar entry, class, method and line of each finding.");
        spec = m.spec();
    }

    /** What scanning one archive gave: a report, or why there is none. */
    private sealed interface Outcome permits Scanned, Refused, Unreadable {
        Path archive();
    }

    private record Scanned(Path archive, ScanReport report) implements Outcome {
    }

    /** Read, but its declaration breaks a rule: rejected without a bytecode report. */
    private record Refused(Path archive, String reason) implements Outcome {
    }

    /**
     * Not judged: why in words, and the chain of exception classes behind it (for {@code --verbose}
     * and the JSON). {@code outOfMemory} when the scan ran out of memory.
     */
    private record Unreadable(Path archive, String reason, List<String> causes, boolean outOfMemory) implements Outcome {
    }

    @Override
    public Integer call() throws Exception {
        List<Path> all = new ArrayList<>(archives.value());
        Path pluginDirectory = this.pluginDirectory.value();
        Path policyFile = this.policyFile.value();
        Path sarifFile = this.sarifFile.value();
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
        } else if (json.value()) {
            out.println(toJson(outcomes));
        } else {
            for (Outcome o : outcomes) {
                if (o instanceof Scanned s) {
                    out.print(s.report().toText());
                } else if (o instanceof Refused r) {
                    out.printf(Locale.ROOT, "Scan of %s%nREJECT %s%n", shown(r.archive()), line(r.reason()));
                } else if (o instanceof Unreadable u) {
                    out.printf(Locale.ROOT, "Scan of %s%nERROR %s%n", shown(u.archive()), line(u.reason()));
                    if (verbose.value()) {
                        for (String c : u.causes()) {
                            out.printf(Locale.ROOT, "  caused by %s%n", c);
                        }
                    }
                }
                out.println();
            }
            // Joined, not printf: see ScanReport#summary (the JDK's locale providers for ASCII digits).
            out.println(outcomes.size() + " archive" + (outcomes.size() == 1 ? "" : "s") + " scanned: " + (outcomes.size() - rejected - unreadable)
                    + " accepted, " + rejected + " rejected, " + unreadable + " unreadable");
        }
        return unreadable > 0 ? ExitStatus.USAGE_OR_INPUT : rejected > 0 ? ExitStatus.REJECTED : ExitStatus.OK;
    }

    /**
     * Scans archives in parallel across the cores (the loader keeps what they hold together within
     * its concurrent memory budget); results stay in argument order. An archive whose scan ran out of
     * memory is scanned again, alone, once the others are done: the memory may have been taken by
     * the others.
     */
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
        List<Outcome> outcomes = new ArrayList<>();
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
            for (int i = 0; i < futures.size(); i++) {
                try {
                    outcomes.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    // scanOne reports every failure as the archive's outcome; this is the last line.
                    outcomes.add(unexpected(all.get(i), e.getCause()));
                }
            }
            if (progress) {
                err.println();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof Unreadable u && u.outOfMemory() && all.size() > 1) {
                Outcome again = scanOne(loader, u.archive(), policy);
                outcomes.set(i, again instanceof Unreadable v && v.outOfMemory() ? outOfMemoryAlone(v) : again);
            }
        }
        return outcomes;
    }

    private static Outcome scanOne(PluginLoader loader, Path archive, ScanPolicy policy) {
        try {
            return new Scanned(archive, loader.inspect(archive, candidate -> ScanCheck.scan(candidate, policy)));
        } catch (PluginDeclarationException e) {
            return new Refused(archive, e.getMessage());
        } catch (PluginLoadException | ScanException e) {
            return new Unreadable(archive, e.getMessage(), causes(e.getCause()), false);
        } catch (OutOfMemoryError e) {
            // What this archive held is unreachable once the stack unwound; the other archives go on.
            return new Unreadable(archive, outOfMemory(), List.of(e.getClass().getName()), true);
        } catch (RuntimeException | StackOverflowError e) {
            return unexpected(archive, e);
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

    private static String outOfMemory() {
        return String.format(Locale.ROOT,
                "the Java heap (%d MiB) ran out while this archive was scanned; it was not judged. Run the scan with more "
                        + "heap (STIGMEM_JAVA_OPTS=-Xmx...) or scan it alone",
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static Unreadable outOfMemoryAlone(Unreadable u) {
        return new Unreadable(u.archive(), String.format(Locale.ROOT,
                "the Java heap (%d MiB) ran out while this archive was scanned, also when scanned alone; it was not judged. "
                        + "Run the scan with more heap (STIGMEM_JAVA_OPTS=-Xmx...)",
                Runtime.getRuntime().maxMemory() >> 20), u.causes(), true);
    }

    /** A failure the scanner does not expect of any input: the archive is not judged, in words; the class in the causes. */
    private static Unreadable unexpected(Path archive, Throwable t) {
        return new Unreadable(archive, "the scanner failed on this archive unexpectedly (an internal error; --verbose shows "
                + "its class); the archive was not judged", causes(t), t instanceof OutOfMemoryError);
    }

    /** The classes (and escaped, bounded messages) of a cause chain, outermost first. */
    private static List<String> causes(Throwable first) {
        List<String> out = new ArrayList<>();
        for (Throwable t = first; t != null && out.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            out.add(t.getClass().getName() + (message == null ? "" : ": " + PluginText.bounded(message, 300)));
        }
        return out;
    }

    private static String shown(Path archive) {
        return PluginText.bounded(archive.toString(), PATH_LIMIT);
    }

    /**
     * A refusal or error is one line: escaped once more here (the loader escapes what it quotes;
     * escaping is idempotent), so that nothing from an archive can start a line of the report.
     */
    private static String line(String reason) {
        return PluginText.bounded(reason, REASON_LIMIT);
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
                Optional.ofNullable(u.causes().isEmpty() ? null : u.causes().get(0))
                        .ifPresent(c -> node.put("cause", c.contains(":") ? c.substring(0, c.indexOf(':')) : c));
                if (!u.causes().isEmpty()) {
                    ArrayNode chain = node.putArray("causes");
                    u.causes().forEach(chain::add);
                }
                if (u.outOfMemory()) {
                    node.put("outOfMemory", true);
                }
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }
}
