package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.scanSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.ScanReport;
import org.junit.jupiter.api.Test;

/**
 * The shipped JDK policy, rule group by rule group: each test plugin has a method that trips the
 * rule and a method beside it that must pass, and the test asserts the exact list of findings.
 */
class JdkPolicyScanTests {

    @Test
    void vmExitIsDeniedAndOtherRuntimeCallsPass() {
        ScanReport report = scanSource("p/Exit.java", """
                package p;
                public final class Exit {
                    void exit() { System.exit(1); }
                    void halt() { Runtime.getRuntime().halt(1); }
                    int fine() { return Runtime.getRuntime().availableProcessors() + (int) System.nanoTime(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY vm.exit java.lang.System#exit(I)V @ p.Exit.exit()V:3",
                "DENY vm.exit java.lang.Runtime#halt(I)V @ p.Exit.halt()V:4");
        assertThat(report.findings().get(0).reason()).isEqualTo("Terminates or halts the whole node, not just the plugin");
    }

    @Test
    void processSpawningIsDenied() {
        ScanReport report = scanSource("p/Spawn.java", """
                package p;
                public final class Spawn {
                    void builder() throws Exception { new ProcessBuilder("ls").start(); }
                    void exec() throws Exception { Runtime.getRuntime().exec("ls"); }
                    long self() { return ProcessHandle.current().pid(); }
                    String fine() { return String.join(",", "ls"); }
                }
                """);

        // The classes are denied, and the guarded members (which the runtime guard refuses too) as well.
        assertThat(brief(report.findings())).containsExactly(
                "DENY process.spawn java.lang.Process @ p.Spawn.builder()V:3",
                "DENY process.spawn java.lang.ProcessBuilder @ p.Spawn.builder()V:3",
                "DENY process.spawn java.lang.ProcessBuilder#start()Ljava/lang/Process; @ p.Spawn.builder()V:3",
                "DENY process.spawn java.lang.Process @ p.Spawn.exec()V:4",
                "DENY process.spawn java.lang.Runtime#exec(Ljava/lang/String;)Ljava/lang/Process; @ p.Spawn.exec()V:4",
                "DENY process.spawn java.lang.ProcessHandle @ p.Spawn.self()J:5",
                "DENY process.spawn java.lang.ProcessHandle#current()Ljava/lang/ProcessHandle; @ p.Spawn.self()J:5");
    }

    @Test
    void nativeLoadingIsDenied() {
        ScanReport report = scanSource("p/Native.java", """
                package p;
                public final class Native {
                    void lib() { System.loadLibrary("x"); }
                    void file() { Runtime.getRuntime().load("/x.so"); }
                    String fine() { return System.lineSeparator(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY native.load java.lang.System#loadLibrary(Ljava/lang/String;)V @ p.Native.lib()V:3",
                "DENY native.load java.lang.Runtime#load(Ljava/lang/String;)V @ p.Native.file()V:4");
    }

    @Test
    void classLoadersAndClassDefinitionAreDenied() {
        ScanReport report = scanSource("p/Define.java", """
                package p;
                import java.lang.invoke.MethodHandles;
                public final class Define {
                    static final class Loader extends ClassLoader {
                    }
                    Object urls() { return new java.net.URLClassLoader(new java.net.URL[0]); }
                    Object hidden(MethodHandles.Lookup l, byte[] b) throws Exception { return l.defineHiddenClass(b, true); }
                    Object plain(MethodHandles.Lookup l, byte[] b) throws Exception { return l.defineClass(b); }
                    Object lookupClass(MethodHandles.Lookup l) { return l.lookupClass(); }
                    Object fine(Object o) { return o.getClass().getSimpleName(); }
                }
                """);

        // The Lookup class itself is denied (rule lookup): holding one, even only as a parameter, is
        // the capability to resolve members by name; so every method that names it has a finding (one
        // per method, at the first line that names it).
        String hidden = " @ p.Define.hidden(Ljava/lang/invoke/MethodHandles$Lookup;[B)Ljava/lang/Object;";
        String plain = " @ p.Define.plain(Ljava/lang/invoke/MethodHandles$Lookup;[B)Ljava/lang/Object;";
        String lookupClass = " @ p.Define.lookupClass(Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/Object;";
        assertThat(brief(report.findings())).containsExactly(
                "DENY class.define java.lang.ClassLoader @ p.Define$Loader.-:-1",
                "DENY class.define java.lang.ClassLoader @ p.Define$Loader.<init>()V:4",
                "DENY class.define java.lang.ClassLoader#<init>()V @ p.Define$Loader.<init>()V:4",
                "DENY class.define java.net.URLClassLoader @ p.Define.urls()Ljava/lang/Object;:6",
                "DENY class.define java.net.URLClassLoader#<init>([Ljava/net/URL;)V @ p.Define.urls()Ljava/lang/Object;:6",
                "DENY class.define java.lang.invoke.MethodHandles$Lookup#defineHiddenClass([BZ[Ljava/lang/invoke/MethodHandles$Lookup$ClassOption;)Ljava/lang/invoke/MethodHandles$Lookup;"
                        + hidden + ":7",
                "DENY lookup java.lang.invoke.MethodHandles$Lookup" + hidden + ":7",
                "DENY class.define java.lang.invoke.MethodHandles$Lookup#defineClass([B)Ljava/lang/Class;" + plain + ":8",
                "DENY lookup java.lang.invoke.MethodHandles$Lookup" + plain + ":8",
                "DENY lookup java.lang.invoke.MethodHandles$Lookup" + lookupClass + ":9");
    }

    @Test
    void reflectionEntryPointsAreDenied() {
        ScanReport report = scanSource("p/Reflect.java", """
                package p;
                import java.lang.reflect.*;
                public final class Reflect {
                    Object forName() throws Exception { return Class.forName("x"); }
                    Object declared(Class<?> c) throws Exception { return c.getDeclaredMethod("m"); }
                    void open(Method m) { m.setAccessible(true); }
                    Object call(Method m) throws Exception { return m.invoke(null); }
                    Object proxy(InvocationHandler h) { return Proxy.newProxyInstance(null, new Class<?>[0], h); }
                    String fine(Class<?> c) { return c.getSimpleName() + c.getName(); }
                    Object handler(Object o) { return Proxy.getInvocationHandler(o); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY reflection java.lang.Class#forName(Ljava/lang/String;)Ljava/lang/Class; @ p.Reflect.forName()Ljava/lang/Object;:4",
                "DENY reflection java.lang.Class#getDeclaredMethod(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;"
                        + " @ p.Reflect.declared(Ljava/lang/Class;)Ljava/lang/Object;:5",
                "DENY reflection java.lang.reflect.Method#setAccessible(Z)V @ p.Reflect.open(Ljava/lang/reflect/Method;)V:6",
                "DENY reflection java.lang.reflect.Method#invoke(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;"
                        + " @ p.Reflect.call(Ljava/lang/reflect/Method;)Ljava/lang/Object;:7",
                "DENY class.define java.lang.ClassLoader @ p.Reflect.proxy(Ljava/lang/reflect/InvocationHandler;)Ljava/lang/Object;:8",
                "DENY reflection java.lang.reflect.Proxy#newProxyInstance(Ljava/lang/ClassLoader;[Ljava/lang/Class;Ljava/lang/reflect/InvocationHandler;)Ljava/lang/Object;"
                        + " @ p.Reflect.proxy(Ljava/lang/reflect/InvocationHandler;)Ljava/lang/Object;:8",
                "DENY reflection java.lang.reflect.Proxy#getInvocationHandler(Ljava/lang/Object;)Ljava/lang/reflect/InvocationHandler;"
                        + " @ p.Reflect.handler(Ljava/lang/Object;)Ljava/lang/Object;:10");
    }

    @Test
    void methodHandleLookupsAreDenied() {
        ScanReport report = scanSource("p/Lookups.java", """
                package p;
                import java.lang.invoke.*;
                public final class Lookups {
                    Object mine() { return MethodHandles.lookup(); }
                    Object other(MethodHandles.Lookup l) throws Exception { return MethodHandles.privateLookupIn(String.class, l); }
                    Object find(MethodHandles.Lookup l) throws Exception {
                        return l.findVirtual(String.class, "length", MethodType.methodType(int.class));
                    }
                    Object fine(MethodHandle h) throws Throwable { return h.type(); }
                }
                """);

        String lookup = "DENY lookup java.lang.invoke.MethodHandles$Lookup @ ";
        String other = "p.Lookups.other(Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/Object;";
        String find = "p.Lookups.find(Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/Object;";
        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup java.lang.invoke.MethodHandles#lookup()Ljava/lang/invoke/MethodHandles$Lookup; @ p.Lookups.mine()Ljava/lang/Object;:4",
                lookup + "p.Lookups.mine()Ljava/lang/Object;:4",
                "DENY lookup java.lang.invoke.MethodHandles#privateLookupIn(Ljava/lang/Class;Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/invoke/MethodHandles$Lookup;"
                        + " @ " + other + ":5",
                lookup + other + ":5",
                lookup + find + ":7",
                "DENY lookup java.lang.invoke.MethodHandles$Lookup#findVirtual(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;"
                        + " @ " + find + ":7");
    }

    @Test
    void unsafeOfAModuleThePolicyDoesNotAllowIsUnlinkableNotDenied() {
        ScanReport report = scanSource("p/Internals.java", """
                package p;
                public final class Internals {
                    private sun.misc.Unsafe unsafe;
                    Object fine() { return java.util.Objects.requireNonNull(this); }
                }
                """);

        // jdk.unsupported is no module a plugin's layer reads: the reference cannot link, so it cannot harm.
        assertThat(brief(report.findings())).containsExactly("WARN reference.unlinkable sun.misc.Unsafe @ p.Internals.-:-1");
        assertThat(report.findings().get(0).reason()).startsWith(
                "The plugin's layer cannot link it (module jdk.unsupported is not one the policy allows");
    }

    @Test
    void rawNetworkIsDenied() {
        ScanReport report = scanSource("p/Net.java", """
                package p;
                import java.net.*;
                public final class Net {
                    void socket() throws Exception { new Socket("h", 1).close(); }
                    Object stream(URL u) throws Exception { return u.openStream(); }
                    Object http() { return java.net.http.HttpClient.newHttpClient(); }
                    Object fine() throws Exception { return new URI("https://example.org").getHost(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY network.raw java.net.Socket @ p.Net.socket()V:4",
                "DENY network.raw java.net.URL#openStream()Ljava/io/InputStream; @ p.Net.stream(Ljava/net/URL;)Ljava/lang/Object;:5",
                "WARN reference.unlinkable java.net.http.HttpClient @ p.Net.http()Ljava/lang/Object;:6");
    }

    @Test
    void nameResolutionIsDeniedAndLiteralAddressesPass() {
        ScanReport report = scanSource("p/Resolve.java", """
                package p;
                import java.net.*;
                public final class Resolve {
                    Object byName() throws Exception { return InetAddress.getByName("example.org"); }
                    String name(InetAddress a) { return a.getHostName(); }
                    Object socketAddress() { return new InetSocketAddress("example.org", 443); }
                    boolean same(URL a, URL b) { return a.equals(b); }
                    String fine() throws Exception { return InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostAddress(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY network.resolve java.net.InetAddress#getByName(Ljava/lang/String;)Ljava/net/InetAddress; @ p.Resolve.byName()Ljava/lang/Object;:4",
                "DENY network.resolve java.net.InetAddress#getHostName()Ljava/lang/String; @ p.Resolve.name(Ljava/net/InetAddress;)Ljava/lang/String;:5",
                "DENY network.resolve java.net.InetSocketAddress#<init>(Ljava/lang/String;I)V @ p.Resolve.socketAddress()Ljava/lang/Object;:6",
                "DENY network.resolve java.net.URL#equals(Ljava/lang/Object;)Z @ p.Resolve.same(Ljava/net/URL;Ljava/net/URL;)Z:7");
        assertThat(report.findings().get(0).reason()).startsWith("Name resolution sends the host name to the resolver");
    }

    @Test
    void fileSystemAccessIsDenied() {
        ScanReport report = scanSource("p/Fs.java", """
                package p;
                import java.io.*;
                public final class Fs {
                    void write() throws IOException { new FileOutputStream("x").close(); }
                    String read() throws IOException { return java.nio.file.Files.readString(java.nio.file.Path.of("x")); }
                    void random() throws IOException { new RandomAccessFile("x", "r").close(); }
                    String fine() throws IOException { return new BufferedReader(new StringReader("x")).readLine(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY filesystem java.io.FileOutputStream @ p.Fs.write()V:4",
                "DENY filesystem java.io.FileOutputStream#<init>(Ljava/lang/String;)V @ p.Fs.write()V:4",
                "DENY filesystem java.nio.file.Files @ p.Fs.read()Ljava/lang/String;:5",
                "DENY filesystem java.nio.file.Path @ p.Fs.read()Ljava/lang/String;:5",
                "DENY filesystem java.io.RandomAccessFile @ p.Fs.random()V:6",
                "DENY filesystem java.io.RandomAccessFile#<init>(Ljava/lang/String;Ljava/lang/String;)V @ p.Fs.random()V:6");
    }

    @Test
    void channelsAreDenied() {
        ScanReport report = scanSource("p/Chan.java", """
                package p;
                public final class Chan {
                    long size(java.nio.channels.SeekableByteChannel c) throws java.io.IOException { return c.size(); }
                    int fine(java.nio.ByteBuffer b) { return b.remaining(); }
                }
                """);

        String m = "p.Chan.size(Ljava/nio/channels/SeekableByteChannel;)J";
        assertThat(brief(report.findings())).containsExactly(
                "DENY channels java.nio.channels.SeekableByteChannel @ " + m + ":3");
    }

    @Test
    void systemPropertiesAndEnvironmentAreDenied() {
        ScanReport report = scanSource("p/Props.java", """
                package p;
                public final class Props {
                    String home() { return System.getProperty("user.home"); }
                    String env() { return System.getenv("SECRET"); }
                    Integer boxed() { return Integer.getInteger("x"); }
                    Integer fine() { return Integer.valueOf(3); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY system.properties java.lang.System#getProperty(Ljava/lang/String;)Ljava/lang/String; @ p.Props.home()Ljava/lang/String;:3",
                "DENY system.properties java.lang.System#getenv(Ljava/lang/String;)Ljava/lang/String; @ p.Props.env()Ljava/lang/String;:4",
                "DENY system.properties java.lang.Integer#getInteger(Ljava/lang/String;)Ljava/lang/Integer; @ p.Props.boxed()Ljava/lang/Integer;:5");
    }

    @Test
    void jvmWideSettersAreDenied() {
        ScanReport report = scanSource("p/Global.java", """
                package p;
                import java.util.*;
                public final class Global {
                    void locale() { Locale.setDefault(Locale.ROOT); }
                    void zone() { TimeZone.setDefault(TimeZone.getTimeZone("UTC")); }
                    void out() { System.setOut(System.err); }
                    void hook(Thread t) { Runtime.getRuntime().addShutdownHook(t); }
                    Locale fine() { return Locale.forLanguageTag("en"); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY jvm.global java.util.Locale#setDefault(Ljava/util/Locale;)V @ p.Global.locale()V:4",
                "DENY jvm.global java.util.TimeZone#setDefault(Ljava/util/TimeZone;)V @ p.Global.zone()V:5",
                "DENY jvm.global java.lang.System#setOut(Ljava/io/PrintStream;)V @ p.Global.out()V:6",
                "DENY jvm.global java.lang.Runtime#addShutdownHook(Ljava/lang/Thread;)V @ p.Global.hook(Ljava/lang/Thread;)V:7");
    }

    @Test
    void threadCreationIsReviewedIncludingThroughASubclassDeclaredInThePlugin() {
        ScanReport report = scanSource("p/Threads.java", """
                package p;
                import java.util.concurrent.*;
                public final class Threads {
                    static final class Worker extends Thread {
                    }
                    void plain(Runnable r) { new Thread(r).start(); }
                    Object pool() { return Executors.newFixedThreadPool(2); }
                    void sub() { new Worker().start(); }
                    boolean fine() { return Thread.currentThread().isInterrupted(); }
                    Thread factory(ThreadFactory f, Runnable r) { return f.newThread(r); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "WARN thread.create java.lang.Thread#<init>()V @ p.Threads$Worker.<init>()V:4",
                "WARN thread.create java.lang.Thread#<init>(Ljava/lang/Runnable;)V @ p.Threads.plain(Ljava/lang/Runnable;)V:6",
                "WARN thread.create java.lang.Thread#start()V @ p.Threads.plain(Ljava/lang/Runnable;)V:6",
                "WARN thread.create java.util.concurrent.Executors#newFixedThreadPool(I)Ljava/util/concurrent/ExecutorService; @ p.Threads.pool()Ljava/lang/Object;:7",
                "WARN thread.create p.Threads$Worker#<init>()V @ p.Threads.sub()V:8",
                "WARN thread.create p.Threads$Worker#start()V @ p.Threads.sub()V:8",
                "WARN thread.create java.util.concurrent.ThreadFactory#newThread(Ljava/lang/Runnable;)Ljava/lang/Thread;"
                        + " @ p.Threads.factory(Ljava/util/concurrent/ThreadFactory;Ljava/lang/Runnable;)Ljava/lang/Thread;:10");
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    @Test
    void otherThreadsAndSharedPoolsAreDeniedAndBorrowedThreadsAreForReview() {
        ScanReport report = scanSource("p/Foreign.java", """
                package p;
                import java.util.List;
                public final class Foreign {
                    Object all() { return Thread.getAllStackTraces(); }
                    Object group() { return Thread.currentThread().getThreadGroup(); }
                    void interrupt() { Thread.currentThread().interrupt(); }
                    long pooled(List<Integer> l) { return l.parallelStream().count(); }
                    Object common() { return java.util.concurrent.ForkJoinPool.commonPool(); }
                    long fine(List<Integer> l) { return l.stream().count() + Thread.currentThread().getId(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY thread.foreign java.lang.Thread#getAllStackTraces()Ljava/util/Map; @ p.Foreign.all()Ljava/lang/Object;:4",
                "DENY thread.foreign java.lang.Thread#getThreadGroup()Ljava/lang/ThreadGroup; @ p.Foreign.group()Ljava/lang/Object;:5",
                "DENY thread.foreign java.lang.ThreadGroup @ p.Foreign.group()Ljava/lang/Object;:5",
                "WARN thread.shared java.lang.Thread#interrupt()V @ p.Foreign.interrupt()V:6",
                "DENY thread.pool.shared java.util.List#parallelStream()Ljava/util/stream/Stream; @ p.Foreign.pooled(Ljava/util/List;)J:7",
                "DENY thread.pool.shared java.util.concurrent.ForkJoinPool#commonPool()Ljava/util/concurrent/ForkJoinPool; @ p.Foreign.common()Ljava/lang/Object;:8");
    }

    @Test
    void asyncWorkOnJdkWidePoolsIsDeniedAndOnThePluginsOwnExecutorPasses() {
        ScanReport report = scanSource("p/Async.java", """
                package p;
                import java.util.concurrent.*;
                public final class Async {
                    Object run(Runnable r) { return CompletableFuture.runAsync(r); }
                    Object supply() { return CompletableFuture.supplyAsync(() -> 1); }
                    Object timeout(CompletableFuture<Integer> f) { return f.orTimeout(1, TimeUnit.SECONDS); }
                    long parallel(java.util.List<Integer> l) { return l.stream().parallel().count(); }
                    Object fine(Executor own) { return CompletableFuture.supplyAsync(() -> 1, own).thenApply(i -> i + 1); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY thread.pool.shared java.util.concurrent.CompletableFuture#runAsync(Ljava/lang/Runnable;)Ljava/util/concurrent/CompletableFuture;"
                        + " @ p.Async.run(Ljava/lang/Runnable;)Ljava/lang/Object;:4",
                "DENY thread.pool.shared java.util.concurrent.CompletableFuture#supplyAsync(Ljava/util/function/Supplier;)Ljava/util/concurrent/CompletableFuture;"
                        + " @ p.Async.supply()Ljava/lang/Object;:5",
                "DENY thread.pool.shared java.util.concurrent.CompletableFuture#orTimeout(JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/CompletableFuture;"
                        + " @ p.Async.timeout(Ljava/util/concurrent/CompletableFuture;)Ljava/lang/Object;:6",
                "DENY thread.pool.shared java.util.stream.Stream#parallel()Ljava/util/stream/BaseStream; @ p.Async.parallel(Ljava/util/List;)J:7");
    }

    @Test
    void linkablePackagesOutsideTheAllowlistAreDeniedAndModulesOutsideItAreUnlinkable() {
        ScanReport report = scanSource("p/Mgmt.java", """
                package p;
                public final class Mgmt {
                    long uptime() { return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(); }
                    Object subject() { return javax.security.auth.Subject.class; }
                    long fine() { return java.time.Duration.ofSeconds(3).toMillis(); }
                }
                """);

        // javax.security.auth is exported by java.base, which every layer reads: linkable, so the allowlist decides.
        assertThat(brief(report.findings())).containsExactly(
                "WARN reference.unlinkable java.lang.management.ManagementFactory @ p.Mgmt.uptime()J:3",
                "WARN reference.unlinkable java.lang.management.RuntimeMXBean @ p.Mgmt.uptime()J:3",
                "DENY reference.not-allowed javax.security.auth.Subject @ p.Mgmt.subject()Ljava/lang/Object;:4");
    }
}
