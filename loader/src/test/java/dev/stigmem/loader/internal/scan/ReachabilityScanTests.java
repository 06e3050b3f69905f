package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scanReachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The JDK policy judges code that can run: a hit in code reachable from an entry point of the
 * archive is a DENY with the path that reaches it; a hit nothing reaches is INFO. Each adversarial
 * case hides {@code System.exit} behind a route a naive call graph would miss (the JDK calling an
 * override, a lambda, a static initialiser, ...): each must stay a DENY. Capability findings are
 * absolute, reachable or not.
 */
class ReachabilityScanTests {

    /** A plugin entry class that does nothing of its own but what {@code start} says. */
    private static String entry(String startBody, String members) {
        return """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { %s }
                    %s
                }
                """.formatted(startBody, members);
    }

    /** Scans an archive of the entry class and the other sources. */
    private static ScanReport scan(String startBody, String members, String... pathsAndSources) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry(startBody, members));
        for (int i = 0; i < pathsAndSources.length; i += 2) {
            sources.put(pathsAndSources[i], pathsAndSources[i + 1]);
        }
        return scanReachable(archive(compile(sources)));
    }

    private static List<Finding> exits(ScanReport report) {
        return report.findings().stream().filter(f -> f.rule().equals("vm.exit")).toList();
    }

    /** The exit call's finding is a DENY whose path ends in {@code method}. */
    private static void deniedThrough(ScanReport report, String method) {
        List<Finding> exits = exits(report);
        assertThat(exits).as(report.toText()).isNotEmpty();
        assertThat(exits).as(report.toText()).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
        Finding f = exits.get(0);
        assertThat(f.path()).as(report.toText()).isNotEmpty();
        assertThat(f.path().get(f.path().size() - 1)).isEqualTo(f.className().orElseThrow() + "." + f.method().orElseThrow());
        assertThat(f.path().get(f.path().size() - 1)).isEqualTo(method);
    }

    @Test
    void aDirectCallFromTheEntryPointIsDeniedWithItsPath() {
        ScanReport report = scan("Helper.run();", "", "p/Helper.java", """
                package p;
                final class Helper {
                    static void run() { System.exit(1); }
                }
                """);

        deniedThrough(report, "p.Helper.run()V");
        assertThat(exits(report).get(0).path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V", "p.Helper.run()V");
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
        // The path is in every rendering: the text leads with it, the JSON and SARIF keep it.
        assertThat(report.toText()).startsWith("Scan of test-plugin.zip\nDENY vm.exit: java.lang.System#exit(I)V")
                .contains("\n  reached by: p.Entry.start(Ldev/stigmem/api/PluginContext;)V -> p.Helper.run()V\n");
        assertThat(report.toJson()).containsPattern("\"path\" : \\[\\s*\"p\\.Entry\\.start\\(Ldev/stigmem/api/PluginContext;\\)V\",\\s*\"p\\.Helper\\.run\\(\\)V\"\\s*]");
        assertThat(report.toSarif()).contains("reached by: p.Entry.start(Ldev/stigmem/api/PluginContext;)V -> p.Helper.run()V");
    }

    @Test
    void aBootstrapOfTheArchiveIsJudgedByReachabilityToo() {
        // The JVM links an invokedynamic (running its bootstrap) when the instruction first executes.
        Handle own = new Handle(Opcodes.H_INVOKESTATIC, "p/Indy", "bsm",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;", false);
        byte[] indy = GeneratedClasses.indy("p/Indy", "run", "()V", own, 10);
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Indy.java", "package p; public final class Indy { public static void call() { } }");
        sources.put("p/Entry.java", entry("", ""));
        Map<String, byte[]> unreached = new java.util.TreeMap<>(compile(sources));
        unreached.put("p/Indy.class", indy);
        sources.put("p/Entry.java", entry("Indy.call();", ""));
        Map<String, byte[]> reached = new java.util.TreeMap<>(compile(sources));
        reached.put("p/Indy.class", indy);

        assertThat(scanReachable(archive(unreached)).findings(RuleIds.LINKAGE_BOOTSTRAP)).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
        assertThat(scanReachable(archive(reached)).findings(RuleIds.LINKAGE_BOOTSTRAP)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.DENY);
            assertThat(f.path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V", "p.Indy.call()V");
        });
    }

    @Test
    void aCallGraphLargerThanTheLimitFailsTheScanInWords() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry("new A0().go();", ""));
        for (int i = 0; i < 20; i++) {
            sources.put("p/A" + i + ".java", "package p; class A%d { void go() { new A%d().go(); } }".formatted(i, (i + 1) % 20));
        }
        var image = archive(compile(sources));
        var small = dev.stigmem.loader.scan.ScanPolicy.shipped()
                .withLimits(dev.stigmem.loader.scan.ScanLimits.DEFAULT.withMaxCallGraphSize(20));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BytecodeScanner.scan(image, TestArchives.manifest(), small))
                .isInstanceOf(dev.stigmem.loader.scan.ScanLimitException.class)
                .hasMessage("test-plugin.zip: the call graph of the archive's classes is larger than 20 entries"
                        + " (calls between its classes and supertype links), the limit");
        assertThat(BytecodeScanner.scan(image, TestArchives.manifest(), dev.stigmem.loader.scan.ScanPolicy.shipped()
                .withLimits(dev.stigmem.loader.scan.ScanLimits.DEFAULT.withMaxCallGraphSize(200))).verdict())
                .isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void anOverrideOfAJdkInterfaceMethodCalledOnlyByTheJdkIsReachable() {
        ScanReport report = scan("new java.util.TreeSet<String>(new Order());", "", "p/Order.java", """
                package p;
                final class Order implements java.util.Comparator<String> {
                    @Override public int compare(String a, String b) { System.exit(1); return 0; }
                }
                """);

        deniedThrough(report, "p.Order.compare(Ljava/lang/String;Ljava/lang/String;)I");
    }

    @Test
    void aLambdaBodyIsReachableFromTheMethodThatCreatesIt() {
        ScanReport report = scan("Runnable r = () -> System.exit(1); r.run();", "");

        assertThat(exits(report)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.DENY);
            assertThat(f.method().orElseThrow()).startsWith("lambda$start$");
            assertThat(f.path().get(0)).isEqualTo("p.Entry.start(Ldev/stigmem/api/PluginContext;)V");
        });
    }

    @Test
    void aMethodReferenceTargetIsReachable() {
        ScanReport report = scan("java.util.function.IntConsumer c = Helper::quit; c.accept(1);", "", "p/Helper.java", """
                package p;
                final class Helper {
                    static void quit(int code) { System.exit(code); }
                }
                """);

        deniedThrough(report, "p.Helper.quit(I)V");
    }

    @Test
    void aStaticInitialiserOfAClassInitialisedByAFieldAccessIsReachable() {
        ScanReport report = scan("int x = Holder.VALUE.length();", "", "p/Holder.java", """
                package p;
                final class Holder {
                    static final String VALUE = String.valueOf(System.nanoTime());
                    static { System.exit(1); }
                }
                """);

        deniedThrough(report, "p.Holder.<clinit>()V");
    }

    @Test
    void aSubclassOverrideCalledThroughASupertypeCallSiteIsReachable() {
        ScanReport report = scan("Base b = Base.make(); b.act();", "", "p/Base.java", """
                package p;
                abstract class Base {
                    abstract void act();
                    static Base make() { return new Sub(); }
                }
                """, "p/Sub.java", """
                package p;
                final class Sub extends Base {
                    @Override void act() { System.exit(1); }
                }
                """);

        deniedThrough(report, "p.Sub.act()V");
    }

    /** The severities of the exit calls, each with the class and method it stands in, in report order. */
    private static List<String> exitsByMethod(ScanReport report) {
        return exits(report).stream().map(f -> f.severity() + " " + f.className().orElseThrow() + "." + f.method().orElseThrow())
                .toList();
    }

    @Test
    void aWriteHookWaitsForReachableCodeToConstructItsClass() {
        // Serialization (allowed) runs writeReplace and writeObject on an instance that exists: only
        // a reachable constructor makes one.
        String data = """
                package p;
                final class Data implements java.io.Serializable {
                    private Object writeReplace() { System.exit(1); return this; }
                    private void writeObject(java.io.ObjectOutputStream out) { System.exit(2); }
                }
                """;

        assertThat(exitsByMethod(scan("", "", "p/Data.java", data))).containsExactly(
                "INFO p.Data.writeReplace()Ljava/lang/Object;", "INFO p.Data.writeObject(Ljava/io/ObjectOutputStream;)V");
        ScanReport constructed = scan("new Data();", "", "p/Data.java", data);
        assertThat(exitsByMethod(constructed)).containsExactly(
                "DENY p.Data.writeReplace()Ljava/lang/Object;", "DENY p.Data.writeObject(Ljava/io/ObjectOutputStream;)V");
        assertThat(exits(constructed).get(0).path()).containsExactly("p.Data.writeReplace()Ljava/lang/Object;");
    }

    @Test
    void anInterfaceCallReachesTheImplementationASubtypeInheritsFromAnUnrelatedSuperclass() {
        // T implements X with S's go(): S is neither a subtype nor a supertype of X, yet x.go() runs S.go().
        String types = """
                package p;
                interface X { void go(); }
                class S { public void go() { System.exit(1); } }
                final class T extends S implements X { }
                final class U implements X { public void go() { } }
                """;
        ScanReport viaInterface = scan("X x = new T(); x.go();", "", "p/X.java", types);
        assertThat(exitsByMethod(viaInterface)).as(viaInterface.toText()).containsExactly("DENY p.S.go()V");
        assertThat(exits(viaInterface).get(0).path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V", "p.S.go()V");

        // Without an instance of T (or S), S.go() waits: only U runs behind X.
        ScanReport otherImplementation = scan("X x = new U(); x.go();", "", "p/X.java", types);
        assertThat(exitsByMethod(otherImplementation)).containsExactly("INFO p.S.go()V");
    }

    @Test
    void aReadHookIsReachableOnlyWhenReachableCodeDeserializes() {
        // The stream makes the instance without a constructor; the read hooks wait for deserialization,
        // which through ObjectInputStream is itself denied.
        String data = """
                package p;
                final class Data implements java.io.Serializable {
                    private Object readResolve() { System.exit(1); return this; }
                    private void readObject(java.io.ObjectInputStream in) { System.exit(2); }
                }
                """;

        assertThat(exitsByMethod(scan("new Data();", "", "p/Data.java", data))).containsExactly(
                "INFO p.Data.readResolve()Ljava/lang/Object;", "INFO p.Data.readObject(Ljava/io/ObjectInputStream;)V");
        ScanReport reads = scan("try { read(); } catch (Exception e) { }", """
                static Object read() throws Exception {
                    return new java.io.ObjectInputStream(java.io.InputStream.nullInputStream()).readObject();
                }
                """, "p/Data.java", data);
        assertThat(exitsByMethod(reads)).containsExactly(
                "DENY p.Data.readResolve()Ljava/lang/Object;", "DENY p.Data.readObject(Ljava/io/ObjectInputStream;)V");
        assertThat(exits(reads).get(0).path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V",
                "p.Entry.read()Ljava/lang/Object;", "p.Data.readResolve()Ljava/lang/Object;");
        assertThat(reads.findings()).as(reads.toText())
                .filteredOn(f -> f.target().startsWith("java.io.ObjectInputStream#readObject"))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void anAllowedJdkRouteThatDeserializesMakesTheReadHooksReachable() {
        // SignedObject#getObject is allowed and deserializes inside the JDK: no denied call of the
        // archive names ObjectInputStream, yet the read hooks run.
        String data = """
                package p;
                final class Data implements java.io.Serializable {
                    private Object readResolve() { System.exit(1); return this; }
                }
                """;
        ScanReport signed = scan("try { ((java.security.SignedObject) null).getObject(); } catch (Exception e) { }", "",
                "p/Data.java", data);
        assertThat(exitsByMethod(signed)).containsExactly("DENY p.Data.readResolve()Ljava/lang/Object;");
        assertThat(exits(signed).get(0).path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V",
                "p.Data.readResolve()Ljava/lang/Object;");

        // An archive subclass of ObjectInputStream: the call names the subclass, not the JDK type.
        ScanReport subclass = scan("try { new In().next(); } catch (Exception e) { }", "", "p/Data.java", data, "p/In.java", """
                package p;
                final class In extends java.io.ObjectInputStream {
                    In() throws java.io.IOException { super(java.io.InputStream.nullInputStream()); }
                    Object next() throws Exception { return readObject(); }
                }
                """);
        assertThat(exitsByMethod(subclass)).containsExactly("DENY p.Data.readResolve()Ljava/lang/Object;");

        // Through the interface: the call names java.io.ObjectInput, which is denied too.
        ScanReport viaInterface = scan("try { read(); } catch (Exception e) { }", """
                static Object read() throws Exception {
                    return ((java.io.ObjectInput) new java.io.ObjectInputStream(java.io.InputStream.nullInputStream())).readObject();
                }
                """, "p/Data.java", data);
        assertThat(exitsByMethod(viaInterface)).containsExactly("DENY p.Data.readResolve()Ljava/lang/Object;");
        assertThat(viaInterface.findings()).as(viaInterface.toText())
                .filteredOn(f -> f.target().startsWith("java.io.ObjectInput#readObject"))
                .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void aSerializableLambdaNothingElseReachesIsReachableThroughDeserialization() {
        // The JDK calls the capturing class's $deserializeLambda$, which links the lambda's body.
        String lambdas = """
                package p;
                final class Lambdas {
                    static Runnable make() { return (Runnable & java.io.Serializable) () -> System.exit(1); }
                }
                """;

        assertThat(exitsByMethod(scan("", "", "p/Lambdas.java", lambdas))).singleElement().asString().startsWith("INFO");
        ScanReport signed = scan("try { ((java.security.SignedObject) null).getObject(); } catch (Exception e) { }", "",
                "p/Lambdas.java", lambdas);
        assertThat(exitsByMethod(signed)).singleElement().asString().startsWith("DENY p.Lambdas.lambda$");
        assertThat(exits(signed).get(0).path()).contains(
                "p.Lambdas.$deserializeLambda$(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;");
    }

    @Test
    void anEnumIsReachableOnlyOnceReachableCodeNamesIt() {
        // The JDK calls values() (and so the static initialiser) only given the enum's Class object.
        String level = """
                package p;
                enum Level {
                    LOW;
                    static { System.exit(1); }
                }
                """;

        assertThat(exitsByMethod(scan("", "", "p/Level.java", level))).containsExactly("INFO p.Level.<clinit>()V");
        ScanReport literal = scan("java.util.EnumSet.allOf(Level.class);", "", "p/Level.java", level);
        deniedThrough(literal, "p.Level.<clinit>()V");
        assertThat(exits(literal).get(0).path()).containsExactly("p.Entry.start(Ldev/stigmem/api/PluginContext;)V",
                "p.Level.values()[Lp/Level;", "p.Level.<clinit>()V");
        deniedThrough(scan("Object low = Level.LOW;", "", "p/Level.java", level), "p.Level.<clinit>()V");
        // An array's class hands out its element's (getComponentType).
        deniedThrough(scan("Object none = new Level[0];", "", "p/Level.java", level), "p.Level.<clinit>()V");
        // A class named by another's metadata: Holder.class.getClasses() hands out its member enum.
        deniedThrough(scan("Object members = Holder.class.getClasses();", "", "p/Holder.java", """
                package p;
                public final class Holder {
                    public enum Mode { ON; static { System.exit(1); } }
                }
                """), "p.Holder$Mode.<clinit>()V");
        // ObjectStreamClass hands out the types of a class's serializable fields.
        deniedThrough(scan("Object fields = java.io.ObjectStreamClass.lookup(Box.class).getFields();", "", "p/Level.java", level,
                "p/Box.java", "package p; final class Box implements java.io.Serializable { Level level; }"),
                "p.Level.<clinit>()V");
        // Another class literal is no such name.
        assertThat(exitsByMethod(scan("Object other = String.class;", "", "p/Level.java", level)))
                .containsExactly("INFO p.Level.<clinit>()V");
    }

    @Test
    void anAnonymousClassPassedToAJdkApiIsReachable() {
        ScanReport report = scan("""
                java.util.List<String> l = new java.util.ArrayList<>();
                l.sort(new java.util.Comparator<String>() {
                    public int compare(String a, String b) { System.exit(1); return 0; }
                });""", "");

        deniedThrough(report, "p.Entry$1.compare(Ljava/lang/String;Ljava/lang/String;)I");
    }

    @Test
    void anInterfaceDefaultMethodIsReachableThroughAnImplementation() {
        ScanReport report = scan("Action a = new Impl(); a.go();", "", "p/Action.java", """
                package p;
                interface Action {
                    default void go() { System.exit(1); }
                }
                """, "p/Impl.java", """
                package p;
                final class Impl implements Action {
                }
                """);

        deniedThrough(report, "p.Action.go()V");
    }

    @Test
    void aBridgeMethodLeadsToTheGenericImplementation() {
        ScanReport report = scan("java.util.function.Function<String, Integer> f = new Length(); f.apply(\"x\");", "",
                "p/Length.java", """
                package p;
                final class Length implements java.util.function.Function<String, Integer> {
                    @Override public Integer apply(String s) { System.exit(1); return s.length(); }
                }
                """);

        deniedThrough(report, "p.Length.apply(Ljava/lang/String;)Ljava/lang/Integer;");
        // The JDK calls the bridge apply(Object); it calls the typed method.
        assertThat(exits(report).get(0).path()).contains("p.Length.apply(Ljava/lang/Object;)Ljava/lang/Object;");
    }

    @Test
    void aConstructorChainedThroughSuperIsReachable() {
        ScanReport report = scan("new Child();", "", "p/Parent.java", """
                package p;
                class Parent {
                    Parent() { System.exit(1); }
                }
                """, "p/Child.java", """
                package p;
                final class Child extends Parent {
                    Child() { super(); }
                }
                """);

        deniedThrough(report, "p.Parent.<init>()V");
    }

    @Test
    void anExceptionHandlerIsReachableCode() {
        ScanReport report = scan("""
                try {
                    Integer.parseInt("x");
                } catch (NumberFormatException e) {
                    System.exit(1);
                }""", "");

        deniedThrough(report, "p.Entry.start(Ldev/stigmem/api/PluginContext;)V");
    }

    @Test
    void aHookHandlerMethodIsAnEntryPoint() {
        ScanReport report = scan("Object handler = new Validator();", "", "p/Validator.java", """
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

        deniedThrough(report, "p.Validator.preAssertValidate(Ldev/stigmem/api/PluginContext;Ldev/stigmem/api/hook/AssertRequest;)Ldev/stigmem/api/hook/Vote;");
    }

    @Test
    void anInheritedImplementationOfAJdkInterfaceMethodIsReachable() {
        // Worker.run() overrides nothing itself; Task inherits it to implement Runnable.
        ScanReport report = scan("new Thread(new Task());", "", "p/Worker.java", """
                package p;
                class Worker {
                    public void run() { System.exit(1); }
                }
                """, "p/Task.java", """
                package p;
                final class Task extends Worker implements Runnable {
                }
                """);

        deniedThrough(report, "p.Worker.run()V");
    }

    @Test
    void aSupertypeNamedWithASpaceDoesNotStandForTheSupertypesItsNameJoins() {
        // The graph shares what external supertypes declare between types with the same set of them. A class
        // file can name one "java/lang/Object java/lang/Runnable" (a space is legal in an internal name): it
        // must not pass for the set {Object, Runnable}, or Job.run(), which the JDK calls, would not count.
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry("new Thread(new Job());", ""));
        sources.put("p/Job.java", """
                package p;
                final class Job implements Runnable {
                    public void run() { System.exit(1); }
                }
                """);
        Map<String, byte[]> classes = new java.util.TreeMap<>(compile(sources));
        net.bytebuddy.jar.asm.ClassWriter cw = new net.bytebuddy.jar.asm.ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "p/A", null, "java/lang/Object java/lang/Runnable", null);
        cw.visitEnd();
        // Archive order: p/A comes first, so its set is the one computed first.
        classes.put("p/A.class", cw.toByteArray());

        deniedThrough(scanReachable(archive(classes)), "p.Job.run()V");
    }

    @Test
    void anOverrideOfAJdkMethodInAClassNoReachableCodeInstantiatesIsInfo() {
        // As a library's Authenticator subclass whose getPasswordAuthentication the JDK would call, if
        // anything ever made one: until a constructor of the class is reachable, no instance exists.
        ScanReport report = scan("new Sub().toString();", "", "p/Auth.java", """
                package p;
                class Auth extends java.net.Authenticator {
                    @Override protected java.net.PasswordAuthentication getPasswordAuthentication() { System.exit(1); return null; }
                }
                """, "p/Base.java", """
                package p;
                class Base {
                    @Override public String toString() { System.exit(2); return ""; }
                }
                """, "p/Sub.java", """
                package p;
                final class Sub extends Base {
                }
                """);

        assertThat(exits(report)).extracting(f -> f.severity() + " " + f.className().orElseThrow())
                .containsExactly("INFO p.Auth", "DENY p.Base");
    }

    @Test
    void aClassTheJdkInstantiatesByNameIsReachable() {
        // ResourceBundle.getBundle("p.Messages") creates it by reflection from JDK code: no call of the archive names it.
        ScanReport report = scan("", "", "p/Messages.java", """
                package p;
                public final class Messages extends java.util.ListResourceBundle {
                    @Override protected Object[][] getContents() { System.exit(1); return new Object[0][]; }
                }
                """, "p/Editor.java", """
                package p;
                public final class Editor extends java.beans.PropertyEditorSupport {
                    public Editor() { System.exit(2); }
                }
                """);

        assertThat(exits(report)).extracting(f -> f.severity() + " " + f.className().orElseThrow())
                .containsExactly("DENY p.Editor", "DENY p.Messages");
    }

    @Test
    void codeNothingReachesIsInfoAndSaysSo() {
        ScanReport report = scan("new Parser().parse(\"x\");", """
                private void neverCalled() { System.exit(2); }
                """, "p/Parser.java", """
                package p;
                final class Parser {
                    int parse(String s) { return s.length(); }
                    int parse(java.io.File f) { System.exit(1); return 0; }
                }
                """, "p/Unused.java", """
                package p;
                final class Unused {
                    static void quit() { Runtime.getRuntime().halt(1); }
                }
                """);

        assertThat(report.findings()).as(report.toText()).filteredOn(f -> f.rule().equals("vm.exit"))
                .extracting(f -> f.severity() + " " + f.className().orElseThrow() + "." + f.method().orElseThrow())
                .containsExactlyInAnyOrder("INFO p.Entry.neverCalled()V", "INFO p.Parser.parse(Ljava/io/File;)I",
                        "INFO p.Unused.quit()V");
        assertThat(report.findings()).filteredOn(f -> f.rule().equals("vm.exit"))
                .allSatisfy(f -> {
                    assertThat(f.reason()).contains("not reachable from any entry point");
                    assertThat(f.path()).isEmpty();
                });
        // The File overload's parameter type is as unreachable as its body.
        assertThat(report.findings()).filteredOn(f -> f.target().equals("java.io.File"))
                .isNotEmpty().allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void capabilityRulesStayAbsoluteInCodeNothingReaches() {
        ScanReport report = scan("", """
                private Object neverCalled(PluginContext c) { return c.getFactsWriter(); }
                """);

        assertThat(report.findings(RuleIds.CAPABILITY_ACCESSOR)).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    @Test
    void aServiceProviderNamedByAServicesFileIsAnEntryPoint() {
        Map<String, byte[]> entries = new java.util.TreeMap<>(compile(Map.of("p/Provider.java", """
                package p;
                public final class Provider implements dev.stigmem.api.Plugin {
                    public Provider() { System.exit(1); }
                }
                """, "q/Lib.java", """
                package q;
                public final class Lib {
                    public Lib() { System.exit(1); }
                }
                """, "q/Spi.java", """
                package q;
                public final class Spi {
                    public Spi() { System.exit(1); }
                }
                """)));
        entries.put("META-INF/services/q.Service", "# a comment\nq.Spi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ScanReport report = scanReachable(archive(entries));

        assertThat(exits(report)).extracting(f -> f.severity() + " " + f.className().orElseThrow())
                .containsExactly("DENY p.Provider", "INFO q.Lib", "DENY q.Spi");
    }

    @Test
    void theSameArchiveGivesTheSameReportWhateverTheScheduling() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry("new A0().go();", ""));
        for (int i = 0; i < 60; i++) {
            sources.put("p/A" + i + ".java", """
                    package p;
                    class A%d { void go() { %s } }
                    """.formatted(i, i < 59 ? "new A" + (i + 1) + "().go();" : "System.exit(1);"));
        }
        var image = archive(compile(sources));
        var manifest = TestArchives.manifest();
        var policy = dev.stigmem.loader.scan.ScanPolicy.shipped();
        String parallel = BytecodeScanner.scan(image, manifest, policy).toJson();
        String sequential = BytecodeScanner.scan(image, manifest, policy, Runnable::run).toJson();
        assertThat(parallel).isEqualTo(sequential);
        Finding exit = exits(BytecodeScanner.scan(image, manifest, policy)).get(0);
        // A long path keeps its ends.
        assertThat(exit.path()).hasSize(CallGraph.MAX_PATH).contains("...");
        assertThat(exit.path().get(0)).isEqualTo("p.Entry.start(Ldev/stigmem/api/PluginContext;)V");
        assertThat(exit.path().get(exit.path().size() - 1)).isEqualTo("p.A59.go()V");
    }
}
