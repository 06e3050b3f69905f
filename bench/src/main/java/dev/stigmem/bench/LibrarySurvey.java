package dev.stigmem.bench;

import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanCheck;
import dev.stigmem.loader.scan.ScanException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Which popular libraries a plugin can bundle: for each library of {@code survey-libraries.txt} (with its
 * runtime dependencies, from the local Maven repository), two real archives scanned as the loader scans
 * them before install and before load ({@link PluginLoader#inspect} with the shipped policy, module
 * descriptors as the JDK reads them): the plugin beside the library calls nothing of it ({@code none}), or
 * calls every public static method and public constructor of it ({@code broad}, {@link BroadEntry}: a
 * plugin that uses the library as broadly as a class can). Prints one line a library, the verdicts, the
 * refusing rules and the totals; the archives stay in {@code bench/target/survey} for {@code stigmem scan}.
 * Run: {@code bench/run --survey [NAME...]}.
 */
public final class LibrarySurvey {
    private LibrarySurvey() {
    }

    private record Library(String name, List<String> coordinates) {
    }

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(System.getProperty("stigmem.survey.repo", System.getProperty("user.home") + "/.m2/repository"));
        Path out = Path.of(System.getProperty("stigmem.survey.out", "target/survey"));
        Files.createDirectories(out);
        List<Library> libraries = libraries().stream().filter(l -> args.length == 0 || List.of(args).contains(l.name())).toList();
        ScanPolicy policy = ScanPolicy.shipped();
        PluginLoader loader = PluginLoader.builder().scanPolicy(policy).build();
        List<String> table = new ArrayList<>();
        int[] accepted = new int[2];
        int surveyed = 0;
        for (Library library : libraries) {
            Map<String, byte[]> jars = new LinkedHashMap<>();
            String missing = null;
            for (String c : library.coordinates()) {
                Path jar = jar(repo, c);
                if (!Files.isRegularFile(jar)) {
                    missing = c;
                    break;
                }
                jars.put(jar.getFileName().toString(), Files.readAllBytes(jar));
            }
            if (missing != null) {
                table.add(String.format(Locale.ROOT, "%-20s skipped: %s is not in %s", library.name(), missing, repo));
                continue;
            }
            surveyed++;
            List<Map<String, byte[]>> classes = new ArrayList<>();
            for (byte[] jar : jars.values()) {
                classes.add(entries(jar));
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-20s %-28s", library.name(), version(library)));
            for (int i = 0; i < 2; i++) {
                boolean broad = i == 1;
                Path archive = out.resolve(library.name() + (broad ? "-broad" : "-none") + ".zip");
                write(archive, zip(BroadEntry.pluginJar(classes, broad)), jars);
                String verdict;
                try {
                    ScanReport report = loader.inspect(archive, candidate -> ScanCheck.scan(candidate, policy));
                    if (report.verdict() == ScanReport.Verdict.ACCEPT) {
                        accepted[i]++;
                    }
                    verdict = verdict(report);
                } catch (PluginLoadException | ScanException e) {
                    verdict = "UNREADABLE (" + e.getMessage().lines().findFirst().orElse("") + ")";
                }
                line.append(broad ? " | broad: " : " | none: ").append(verdict);
            }
            table.add(line.toString());
            System.out.println(table.get(table.size() - 1));
        }
        String totals = String.format(Locale.ROOT, "%d libraries surveyed: %d accepted beside a plugin that calls nothing of them,"
                + " %d beside a plugin that calls every public static method and constructor of them", surveyed, accepted[0], accepted[1]);
        Files.writeString(out.resolve("survey.txt"), String.join("\n", table) + "\n\n" + totals + "\n");
        System.out.printf("%n%s%n(archives and survey.txt in %s)%n", totals, out.toAbsolutePath());
    }

    /** ACCEPT, or REJECT with its DENY findings counted by rule (the most first, then by name). */
    private static String verdict(ScanReport report) {
        if (report.verdict() == ScanReport.Verdict.ACCEPT) {
            return String.format(Locale.ROOT, "ACCEPT (%d warn, %d info)", report.count(Severity.WARN), report.count(Severity.INFO));
        }
        Map<String, Long> rules = report.findings().stream().filter(f -> f.severity() == Severity.DENY)
                .collect(Collectors.groupingBy(Finding::rule, TreeMap::new, Collectors.counting()));
        return "REJECT " + rules.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String version(Library library) {
        String[] parts = library.coordinates().get(0).split(":");
        return parts[1] + " " + parts[2];
    }

    private static List<Library> libraries() throws IOException {
        List<Library> out = new ArrayList<>();
        try (InputStream in = LibrarySurvey.class.getResourceAsStream("survey-libraries.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] words = l.split("\\s+");
                out.add(new Library(words[0], List.of(words).subList(1, words.length)));
            }
        }
        return out;
    }

    private static Path jar(Path repo, String coordinates) {
        String[] p = coordinates.split(":");
        return repo.resolve(p[0].replace('.', '/')).resolve(p[1]).resolve(p[2]).resolve(p[1] + "-" + p[2] + ".jar");
    }

    /** A jar's class files by entry name (module descriptors and other entries too: BroadEntry skips them). */
    private static Map<String, byte[]> entries(byte[] jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.isDirectory() && e.getName().endsWith(".class")) {
                    entries.put(e.getName(), zip.readAllBytes());
                }
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The archive: the plugin's jar and the library's jars, as they are. */
    private static void write(Path archive, byte[] pluginJar, Map<String, byte[]> jars) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("survey-plugin.jar", pluginJar);
        entries.putAll(jars);
        try (OutputStream out = Files.newOutputStream(archive)) {
            out.write(zip(entries));
        }
    }
}
