package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.manifest;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.scan.ScanInputException;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.ScanLimits;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The archive's type hierarchy: resolved once per class from its direct supertypes (linear in the
 * number of classes), bounded in depth, cycles refused, and in exactly the nearest-first order that
 * walking every class's supertypes breadth-first gives.
 */
class HierarchyScanTests {

    @Test
    void aLongInheritanceChainWithinTheLimitIsScannedAndEveryLevelIsJudgedThroughItsSupertypes() {
        // 1 500 classes under java.lang.Thread: each constructor calls its superclass's, which the
        // policy's review of Thread#<init> covers through the whole chain.
        Map<String, byte[]> chain = GeneratedClasses.chain(1_500, "java/lang/Thread");

        ScanReport report = TestArchives.everyMethod(archive(chain), manifest(), ScanPolicy.shipped());
        ScanReport again = BytecodeScanner.scan(archive(chain), manifest(), ScanPolicy.shipped(), java.util.Optional.of(Runnable::run), false);

        assertThat(report.classesScanned()).isEqualTo(1_500);
        assertThat(report.findings()).hasSize(1_500).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARN);
            assertThat(f.rule()).isEqualTo("thread.create");
        });
        assertThat(brief(report.findings().subList(0, 2))).containsExactly(
                "WARN thread.create java.lang.Thread#<init>()V @ p.C0000.<init>()V:-1",
                "WARN thread.create p.C0000#<init>()V @ p.C0001.<init>()V:-1");
        assertThat(brief(report.findings().get(1_499))).isEqualTo("WARN thread.create p.C1498#<init>()V @ p.C1499.<init>()V:-1");
        assertThat(again.toJson()).isEqualTo(report.toJson());
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void aChainDeeperThanTheDefaultLimitFailsTheScanNamingTheFirstClassBeyondIt() {
        Map<String, byte[]> chain = GeneratedClasses.chain(2_100, "java/lang/Object");

        assertThat(ScanLimits.DEFAULT.maxHierarchyDepth()).isEqualTo(2_000);
        assertThatThrownBy(() -> scan(archive(chain)))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage("plugin.jar!p/C2000.class: class p.C2000 has a chain of 2001 supertypes, more than the limit of 2000");
    }

    @Test
    void theHierarchyDepthLimitIsConfigurable() {
        Map<String, byte[]> chain = GeneratedClasses.chain(50, "java/lang/Object");
        ScanPolicy shallow = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxHierarchyDepth(10));
        ScanPolicy enough = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxHierarchyDepth(50));

        assertThatThrownBy(() -> TestArchives.everyMethod(archive(chain), manifest(), shallow))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage("plugin.jar!p/C0010.class: class p.C0010 has a chain of 11 supertypes, more than the limit of 10");
        assertThat(TestArchives.everyMethod(archive(chain), manifest(), enough).findings()).isEmpty();
    }

    @Test
    void aCyclicHierarchyFailsTheScan() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/A.class", GeneratedClasses.type("p/A", false, "p/B"));
        entries.put("p/B.class", GeneratedClasses.type("p/B", false, "p/C"));
        entries.put("p/C.class", GeneratedClasses.type("p/C", false, "p/A"));
        entries.put("p/Self.class", GeneratedClasses.type("p/Self", true, "java/lang/Object", "p/Self"));

        assertThatThrownBy(() -> scan(archive(entries)))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/A.class: the class hierarchy is cyclic: p.A is a supertype of itself (through p.C);"
                        + " the JVM cannot define it");
        assertThatThrownBy(() -> scan(archive(Map.of("p/Self.class", entries.get("p/Self.class")))))
                .isInstanceOf(ScanInputException.class)
                .hasMessageContaining("p.Self is a supertype of itself");
    }

    @Test
    void namedSupertypesComeInTheBreadthFirstOrderOfTheFullWalkThroughDiamonds() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/I1.class", GeneratedClasses.type("p/I1", true, "java/lang/Object"));
        entries.put("p/I2.class", GeneratedClasses.type("p/I2", true, "java/lang/Object", "p/I1"));
        entries.put("p/I3.class", GeneratedClasses.type("p/I3", true, "java/lang/Object", "p/I1", "java/lang/Runnable"));
        entries.put("p/I4.class", GeneratedClasses.type("p/I4", true, "java/lang/Object", "p/I3", "p/I2"));
        entries.put("p/J.class", GeneratedClasses.type("p/J", true, "java/lang/Object", "java/lang/AutoCloseable", "p/I1"));
        entries.put("p/A.class", GeneratedClasses.type("p/A", false, "java/lang/Thread", "p/I4", "p/J"));
        entries.put("p/B.class", GeneratedClasses.type("p/B", false, "p/A", "p/I3", "java/io/Closeable"));
        entries.put("p/C.class", GeneratedClasses.type("p/C", false, "p/B", "p/I2", "java/util/concurrent/Callable"));
        entries.put("p/D.class", GeneratedClasses.type("p/D", false, "java/lang/ClassLoader", "p/J"));

        assertSameAsBreadthFirstWalk(entries);
    }

    @Test
    void namedSupertypesComeInTheBreadthFirstOrderOfTheFullWalkForRealLibraries() throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("target", "third-party"))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                JarImage image = ThirdPartyJarScanTests.read(jar);
                image.forEachEntry((name, bytes) -> {
                    if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/")) {
                        entries.putIfAbsent(name, bytes);
                    }
                });
            }
        }
        assertThat(entries).hasSizeGreaterThan(5_000);

        assertSameAsBreadthFirstWalk(entries);
    }

    /**
     * Every class of the entries and every supertype it reaches: with every type named, the full
     * breadth-first walk itself; with the policy's named types, that walk filtered.
     */
    private static void assertSameAsBreadthFirstWalk(Map<String, byte[]> entries) {
        Map<String, SortedSet<String>> supertypes = new HashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            ClassReader r = new ClassReader(e.getValue());
            if ((r.getAccess() & Opcodes.ACC_MODULE) != 0) {
                continue;
            }
            SortedSet<String> supers = supertypes.computeIfAbsent(r.getClassName(), k -> new TreeSet<>());
            if (r.getSuperName() != null) {
                supers.add(r.getSuperName());
            }
            supers.addAll(List.of(r.getInterfaces()));
            where.putIfAbsent(r.getClassName(), "plugin.jar!" + e.getKey());
        }
        JdkTypes jdk = JdkTypes.instance();
        Predicate<String> policyNamed = ReferenceJudge.namedByPolicy(new PolicyIndex(ScanPolicy.shipped()));
        Map<String, List<String>> sorted = new HashMap<>();
        supertypes.forEach((t, supers) -> sorted.put(t, List.copyOf(supers)));
        TypeHierarchy all = new TypeHierarchy(sorted, where, jdk, t -> true, Integer.MAX_VALUE);
        TypeHierarchy byPolicy = new TypeHierarchy(sorted, where, jdk, policyNamed, Integer.MAX_VALUE);
        int compared = 0;
        int named = 0;
        java.util.Set<String> done = new java.util.HashSet<>();
        for (String type : where.keySet()) {
            List<String> walk = breadthFirst(type, supertypes, jdk);
            for (String t : walk) {
                if (!done.add(t)) {
                    continue;
                }
                List<String> expected = breadthFirst(t, supertypes, jdk);
                assertThat(all.named(t)).as(t).isEqualTo(expected);
                List<String> filtered = expected.stream().filter(policyNamed).toList();
                assertThat(byPolicy.named(t)).as(t).isEqualTo(filtered);
                compared++;
                named += filtered.isEmpty() ? 0 : 1;
            }
        }
        assertThat(compared).isGreaterThan(where.size());
        assertThat(named).isPositive();
    }

    /** The scanner's former closure: a breadth-first walk of every supertype, nearest first, each once. */
    private static List<String> breadthFirst(String start, Map<String, SortedSet<String>> archive, JdkTypes jdk) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            String t = queue.poll();
            if (!seen.add(t)) {
                continue;
            }
            SortedSet<String> fromArchive = archive.get(t);
            queue.addAll(fromArchive != null ? fromArchive : jdk.directSupertypes(t));
        }
        return new ArrayList<>(seen);
    }
}
