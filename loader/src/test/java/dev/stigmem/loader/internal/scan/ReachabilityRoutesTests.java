package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scanReachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Routes by which the JVM or the JDK runs archive code that a call graph of the archive's own calls
 * would think unreachable, found by red-teaming the reachability analysis: each hides
 * {@code System.exit} behind the route and asserts that it stays a DENY (the archive is refused).
 * They complement {@code ReachabilityScanTests} and {@code FieldReceiverScanTests}: instances and
 * initialisation the JDK performs without an archive constructor or static reference (lambdas,
 * annotation proxies, security providers, an enum's {@code values} found by name, serialization
 * describing a class), class files whose name says another type than the one the JVM loads (a
 * duplicate of an archive class, a JDK name), code the host's copy of a substituted module calls, and
 * a services file read as the JDK's module finder reads it.
 */
class ReachabilityRoutesTests implements Opcodes {

    private static String entry(String startBody) {
        return """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { %s }
                }
                """.formatted(startBody);
    }

    private static Map<String, byte[]> classes(String startBody, String... pathsAndSources) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry(startBody));
        for (int i = 0; i < pathsAndSources.length; i += 2) {
            sources.put(pathsAndSources[i], pathsAndSources[i + 1]);
        }
        return new TreeMap<>(compile(sources));
    }

    private static List<Finding> exits(ScanReport report) {
        return report.findings().stream().filter(f -> f.rule().equals("vm.exit")).toList();
    }

    /** Every exit call is a DENY and the archive is refused; the first one's path ends in {@code method}. */
    private static void denied(ScanReport report, String method) {
        List<Finding> exits = exits(report);
        assertThat(exits).as(report.toText()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.severity()).as(report.toText()).isEqualTo(Severity.DENY));
        assertThat(exits.get(0).path()).as(report.toText()).isNotEmpty().last().isEqualTo(method);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    private static final String QUIT = "package p; final class Quit { static Object now() { System.exit(1); return null; } }";

    @Test
    void aDefaultMethodOfAFunctionalInterfaceRunsOnTheLambdaThatImplementsIt() {
        // The lambda is an instance of Task made by the JDK, not by a constructor of the archive; the JDK
        // calls run(), which Task's default method implements.
        denied(scanReachable(archive(classes("""
                Task t = () -> { };
                java.util.concurrent.CompletableFuture.completedFuture(null).thenRun(t);""", "p/Task.java", """
                package p;
                interface Task extends Runnable {
                    void step();
                    default void run() { System.exit(1); }
                }
                """))), "p.Task.run()V");
        // The same through the archive's own call of a default method on the lambda.
        denied(scanReachable(archive(classes("Step s = () -> { }; s.twice();", "p/Step.java", """
                package p;
                interface Step {
                    void once();
                    default void twice() { System.exit(1); }
                }
                """))), "p.Step.twice()V");
    }

    @Test
    void aLambdaInitialisesItsInterfaceWhenTheInterfaceDeclaresADefaultMethod() {
        // The lambda's class implements Init, which declares a default method: initialising the class
        // initialises Init (JVMS 5.5), whose static initialiser runs Quit.now().
        denied(scanReachable(archive(classes("Init i = () -> { };", "p/Quit.java", QUIT, "p/Init.java", """
                package p;
                interface Init {
                    Object STARTED = Quit.now();
                    void go();
                    default void other() { }
                }
                """))), "p.Quit.now()Ljava/lang/Object;");
        // The same for a marker interface an intersection cast adds (altMetafactory's Class arguments).
        denied(scanReachable(archive(classes("Runnable r = (Runnable & Marker) () -> { };", "p/Quit.java", QUIT, "p/Marker.java", """
                package p;
                interface Marker {
                    Object STARTED = Quit.now();
                    default void other() { }
                }
                """))), "p.Quit.now()Ljava/lang/Object;");
    }

    private static final String[] PROVIDER = {"p/Prov.java", """
                package p;
                public final class Prov extends java.security.Provider {
                    private final Service service;
                    public Prov() {
                        super("x", "1", "x");
                        service = new Service(this, "MessageDigest", "X", "p.Evil", null, null);
                    }
                    @Override public synchronized Service getService(String type, String algorithm) { return service; }
                }
                """, "p/Evil.java", """
                package p;
                public final class Evil {
                    public Evil() { System.exit(1); }
                }
                """};

    @Test
    void aSecurityProviderMakesTheJdkInstantiateAClassByName() {
        // MessageDigest.getInstance asks the provider for a service and instantiates the class it names,
        // by reflection from java.base: Evil's constructor runs before any cast.
        denied(scanReachable(archive(classes("""
                try { java.security.MessageDigest.getInstance("X", new Prov()); } catch (Exception e) { }""", PROVIDER))),
                "p.Evil.<init>()V");
        // Until reachable code makes a provider, nothing is instantiated by name.
        assertThat(exits(scanReachable(archive(classes("", PROVIDER))))).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
    }

    @Test
    void aClassFileOfTheSameNameWithAnotherHeaderDoesNotHideTheSupertypesTheJvmLoads() {
        // Without a Multi-Release manifest the JVM loads p/X.class, a Comparable; the versioned copy,
        // first in archive order, says X is no Comparable.
        Map<String, byte[]> classes = classes("""
                java.util.TreeSet<Object> s = new java.util.TreeSet<>(); s.add(new X());""", "p/X.java", """
                package p;
                final class X implements Comparable<X> {
                    @Override public int compareTo(X o) { System.exit(1); return 0; }
                }
                """);
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_FINAL | ACC_SUPER, "p/X", null, "java/lang/Object", null);
        cw.visitEnd();
        classes.put("META-INF/versions/9/p/X.class", cw.toByteArray());

        denied(scanReachable(archive(classes)), "p.X.compareTo(Lp/X;)I");
    }

    @Test
    void aClassFileNamedLikeAJdkTypeDoesNotStandForIt() {
        // The JVM never loads an archive class of a java package: java.util.Comparator is the JDK's, whatever
        // a class file of that name at another entry says.
        Map<String, byte[]> classes = classes("new java.util.TreeSet<String>(new Order()).add(\"a\");", "p/Order.java", """
                package p;
                final class Order implements java.util.Comparator<String> {
                    @Override public int compare(String a, String b) { System.exit(1); return 0; }
                }
                """);
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT, "java/util/Comparator", null, "java/lang/Object", null);
        cw.visitEnd();
        classes.put("decoy/Comparator.class", cw.toByteArray());

        denied(scanReachable(archive(classes)), "p.Order.compare(Ljava/lang/String;Ljava/lang/String;)I");

        // Nor like an api type: the node calls the handler through the api's PreAssertValidate.
        Map<String, byte[]> handler = classes("Object handler = new Validator();", "p/Validator.java", """
                package p;
                import dev.stigmem.api.PluginContext;
                import dev.stigmem.api.hook.*;
                final class Validator implements PreAssertValidate {
                    @Override public Vote preAssertValidate(PluginContext context, AssertRequest payload) {
                        System.exit(1);
                        return Vote.allow();
                    }
                }
                """);
        ClassWriter api = new ClassWriter(0);
        api.visit(V17, ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT, "dev/stigmem/api/hook/PreAssertValidate", null,
                "java/lang/Object", null);
        api.visitEnd();
        handler.put("decoy/PreAssertValidate.class", api.toByteArray());
        denied(scanReachable(archive(handler)),
                "p.Validator.preAssertValidate(Ldev/stigmem/api/PluginContext;Ldev/stigmem/api/hook/AssertRequest;)Ldev/stigmem/api/hook/Vote;");
    }

    @Test
    void aClassFileNamedLikeAJdkTypeDoesNotChangeThePolicyOnIt() {
        // A "java/net/URLClassLoader" that extends Object must not make the JDK's class loader look harmless.
        Map<String, byte[]> classes = classes("new java.net.URLClassLoader(new java.net.URL[0]);");
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | ACC_SUPER, "java/net/URLClassLoader", null, "java/lang/Object", null);
        cw.visitEnd();
        classes.put("decoy/URLClassLoader.class", cw.toByteArray());

        ScanReport report = scanReachable(archive(classes));
        assertThat(report.findings("class.define")).as(report.toText()).isNotEmpty()
                .anySatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    @Test
    void anEnumValuesMethodOfAnyReturnTypeIsWhatTheJdkCalls() {
        // Class#getEnumConstants looks values() up by name (getMethod("values")) and invokes it before casting.
        Map<String, byte[]> classes = classes("Object constants = Level.class.getEnumConstants();", "p/Level.java",
                "package p; final class Level { }");
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_FINAL | ACC_SUPER | ACC_ENUM, "p/Level", "Ljava/lang/Enum<Lp/Level;>;", "java/lang/Enum", null);
        MethodVisitor values = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "values", "()Ljava/lang/Object;", null, null);
        values.visitCode();
        values.visitInsn(ICONST_1);
        values.visitMethodInsn(INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        values.visitInsn(ACONST_NULL);
        values.visitInsn(ARETURN);
        values.visitMaxs(0, 0);
        values.visitEnd();
        cw.visitEnd();
        classes.put("p/Level.class", cw.toByteArray());

        denied(scanReachable(archive(classes)), "p.Level.values()Ljava/lang/Object;");
    }

    @Test
    void anAnnotationProxyInitialisesAnAnnotationTypeThatDeclaresADefaultMethod() {
        // Reading Marked's annotations makes a proxy of Ann; initialising the proxy class initialises Ann
        // (it declares a non-abstract method), whose static initialiser exits.
        Map<String, byte[]> classes = classes("Object annotations = Marked.class.getAnnotations();", "p/Ann.java", """
                package p;
                @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
                @interface Ann { }
                """, "p/Marked.java", "package p; @Ann final class Marked { }");
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_INTERFACE | ACC_ABSTRACT | ACC_ANNOTATION, "p/Ann", null, "java/lang/Object",
                new String[] {"java/lang/annotation/Annotation"});
        AnnotationVisitor retention = cw.visitAnnotation("Ljava/lang/annotation/Retention;", true);
        retention.visitEnum("value", "Ljava/lang/annotation/RetentionPolicy;", "RUNTIME");
        retention.visitEnd();
        MethodVisitor helper = cw.visitMethod(ACC_PUBLIC, "helper", "()V", null, null);
        helper.visitCode();
        helper.visitInsn(RETURN);
        helper.visitMaxs(0, 0);
        helper.visitEnd();
        MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitInsn(ICONST_1);
        clinit.visitMethodInsn(INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        clinit.visitInsn(RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();
        cw.visitEnd();
        classes.put("p/Ann.class", cw.toByteArray());

        denied(scanReachable(archive(classes)), "p.Ann.<clinit>()V");
    }

    @Test
    void aClassImplementingAnInterfaceOfASubstitutedModuleIsCalledByTheHostsCopy() {
        // The archive's org.slf4j jar is never loaded: the host's copy of the module runs instead, and its
        // BasicMarker.add calls contains() on the marker given. The archive's copy (here: one whose
        // MarkerFactory makes no marker at all) says nothing about what the host's does.
        Map<String, byte[]> all = classes("org.slf4j.MarkerFactory.getMarker(\"x\").add(new Evil());", "org/slf4j/Marker.java", """
                package org.slf4j;
                public interface Marker {
                    void add(Marker reference);
                    boolean contains(Marker other);
                }
                """, "org/slf4j/MarkerFactory.java", """
                package org.slf4j;
                public final class MarkerFactory {
                    public static Marker getMarker(String name) { return null; }
                }
                """, "p/Evil.java", """
                package p;
                final class Evil implements org.slf4j.Marker {
                    @Override public void add(org.slf4j.Marker reference) { }
                    @Override public boolean contains(org.slf4j.Marker other) { System.exit(1); return false; }
                }
                """);
        Map<String, byte[]> plugin = new TreeMap<>(all);
        Map<String, byte[]> slf4j = new TreeMap<>(plugin.entrySet().stream().filter(e -> e.getKey().startsWith("org/"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        plugin.keySet().removeAll(slf4j.keySet());
        var image = archive(plugin, TestArchives.jar("slf4j-api.jar", slf4j));
        var descriptors = Map.of("slf4j-api.jar",
                java.lang.module.ModuleDescriptor.newModule("org.slf4j").packages(java.util.Set.of("org.slf4j")).build());

        denied(BytecodeScanner.scan(image, TestArchives.manifest(), dev.stigmem.loader.scan.ScanPolicy.shipped(), descriptors),
                "p.Evil.contains(Lorg/slf4j/Marker;)Z");
    }

    private static final String SERIAL = """
            package p;
            final class Serial implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                static { System.exit(1); }
            }
            """;

    @Test
    void serializationDescribingAClassFromItsClassObjectRunsItsStaticInitialiser() {
        // ObjectStreamClass reads serialVersionUID (and serialPersistentFields) by reflection, which initialises
        // the class: through lookup, and through ObjectOutputStream writing a class literal.
        denied(scanReachable(archive(classes("java.io.ObjectStreamClass.lookup(Serial.class);", "p/Serial.java", SERIAL))),
                "p.Serial.<clinit>()V");
        denied(scanReachable(archive(classes("""
                try {
                    new java.io.ObjectOutputStream(java.io.OutputStream.nullOutputStream()).writeObject(Serial.class);
                } catch (java.io.IOException e) { }""", "p/Serial.java", SERIAL))), "p.Serial.<clinit>()V");
        // A class literal alone initialises nothing, until reachable code serializes.
        assertThat(exits(scanReachable(archive(classes("Object c = Serial.class;", "p/Serial.java", SERIAL)))))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
    }

    @Test
    void aServicesFileLineIsReadAsTheModuleFinderReadsIt() {
        // The JDK trims a provider line (String#trim drops control characters too): "q.Spi\u0001" names q.Spi,
        // which the plugin's layer instantiates for ServiceLoader.
        Map<String, byte[]> entries = new TreeMap<>(compile(Map.of("q/Spi.java", """
                package q;
                public final class Spi {
                    public Spi() { System.exit(1); }
                }
                """)));
        entries.put("META-INF/services/q.Service", "q.Spi\u0001\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        denied(scanReachable(archive(entries)), "q.Spi.<init>()V");
    }
}
