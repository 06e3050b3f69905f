package dev.stigmem.guard;

/** Sources of the hostile test module: each method one route to one effect the guard must refuse. */
final class HostileSources {
    private HostileSources() {
    }

    static final String ATTACKS = """
            package p;

            import java.io.*;
            import java.lang.invoke.*;
            import java.net.*;
            import java.nio.channels.SocketChannel;
            import java.nio.file.*;
            import java.security.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;

            public final class Attacks {
                public static Object envDirect() { return System.getenv("PATH"); }
                public static Object envMap() { return System.getenv(); }
                public static Object envByMethodReference() { Function<String, String> f = System::getenv; return f.apply("PATH"); }
                public static Object envThroughJdkCallback() { return Optional.of("PATH").map(System::getenv).orElse("none"); }
                public static Object envThroughComparator() {
                    List<String> l = new ArrayList<>(List.of("b", "a"));
                    l.sort((x, y) -> { System.getenv("PATH"); return x.compareTo(y); });
                    return l;
                }
                public static Object userHome() { return System.getProperty("user.home"); }
                public static Object tmpDirWithDefault() { return System.getProperty("java.io.tmpdir", "/tmp"); }
                public static Object integerGetInteger() { return Integer.getInteger("sun.arch.data.model"); }
                public static Object processEnvironment() { return new ProcessBuilder("true").environment(); }
                public static Object processBuilderStart() throws Exception { return new ProcessBuilder("true").start(); }
                public static Object runtimeExec() throws Exception { return Runtime.getRuntime().exec(new String[] {"true"}); }
                public static Object processHandleCurrent() { return ProcessHandle.current().pid(); }
                public static Object fileInputStream() throws Exception { return new FileInputStream("/etc/hostname"); }
                public static Object fileReaderWrapper() throws Exception { return new FileReader("/etc/hostname"); }
                public static Object randomAccessFile() throws Exception { return new RandomAccessFile("/etc/hostname", "r"); }
                public static Object fileList() { return new File("/").list(); }
                // The node's standard input: a field no agent intercepts, so the guard stands on the stream it leaves there.
                public static Object stdinAvailable() throws Exception { return System.in.available(); }
                public static Object stdinThroughReader() throws Exception { return new java.io.InputStreamReader(System.in).ready(); }
                public static Object stdinThroughScanner() { return new java.util.Scanner(System.in).hasNext(); }
                public static Object nioReadString() throws Exception { return Files.readString(Path.of("/etc/hostname")); }
                public static Object nioNewByteChannel() throws Exception { return Files.newByteChannel(Path.of("/etc/hostname")); }
                public static Object nioWrite() throws Exception { return Files.writeString(Path.of("/tmp/stigmem-guard-x"), "x"); }
                public static Object scannerOverPath() throws Exception { return new Scanner(Path.of("/etc/hostname")); }
                public static Object zipFile() throws Exception { return new java.util.zip.ZipFile("/nonexistent.zip"); }
                public static Object printStreamToFile() throws Exception { return new PrintStream("/tmp/stigmem-guard-x"); }
                public static Object inetAddressByName() throws Exception { return InetAddress.getByName("stigmem-guard-test.invalid"); }
                public static Object inetSocketAddressResolves() { return new InetSocketAddress("stigmem-guard-test.invalid", 80); }
                public static Object urlHashCodeResolves() throws Exception { return new URL("http://stigmem-guard-test.invalid/").hashCode(); }
                public static Object socketConnect() throws Exception { return new Socket(InetAddress.getLoopbackAddress(), 9); }
                public static Object socketChannelOpen() throws Exception { return SocketChannel.open(); }
                public static Object serverSocket() throws Exception { return new ServerSocket(0); }
                public static Object datagramSocket() throws Exception { return new DatagramSocket(); }
                public static Object localeSetDefault() { Locale.setDefault(Locale.GERMANY); return "changed"; }
                public static Object timeZoneSetDefault() { TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo")); return "changed"; }
                public static Object securityAddProvider() { return Security.addProvider(new Provider("X", "1", "x") { }); }
                public static Object providerPut() { return Security.getProvider("SUN").put("MessageDigest.SHA-256", "p.Evil"); }
                public static Object providerSetPropertyRoute() { return Security.getProvider("SUN").setProperty("MessageDigest.SHA-256", "p.Evil"); }
                public static Object shutdownHook() { Runtime.getRuntime().addShutdownHook(new Thread(() -> { })); return "added"; }
                public static Object systemSetOut() { System.setOut(new PrintStream(new ByteArrayOutputStream())); return "changed"; }
                public static Object defaultUncaughtHandler() { Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); return "changed"; }
                public static Object lookup() { return MethodHandles.lookup(); }
                public static Object publicLookupFindStatic() throws Throwable {
                    return MethodHandles.publicLookup().findStatic(System.class, "getenv", MethodType.methodType(Map.class));
                }
                public static Object classForName() throws Exception { return Class.forName("java.lang.Runtime"); }
                public static Object getDeclaredMethods() { return Runtime.class.getDeclaredMethods(); }
                public static Object classLoaderOfHost() { return List.class.getClassLoader(); }
                public static Object ownClassLoader() { return Attacks.class.getClassLoader(); }
                public static Object newClassLoader() { return new ClassLoader(null) { }; }
                public static Object moduleLayerBoot() { return ModuleLayer.boot(); }
                // the boot layer by another door (Module#getLayer of a JDK class): its loaders stay refused
                public static Object bootLayerFindLoader() { return String.class.getModule().getLayer().findLoader("java.base"); }
                public static Object bootLayerHostModuleLoader() {
                    ModuleLayer boot = String.class.getModule().getLayer();
                    return boot.modules().stream().filter(m -> m.getName().startsWith("dev.stigmem.")).findFirst().orElseThrow().getClassLoader();
                }
                // a host class from the stack (the host called the plugin): its loader through the ProtectionDomain
                public static Object stackWalkerHostLoader() {
                    Class<?> host = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                            .walk(s -> s.map(StackWalker.StackFrame::getDeclaringClass)
                                    .filter(c -> c.getModule().getName() != null && c.getModule().getName().startsWith("dev.stigmem.")).findFirst())
                            .orElseThrow();
                    return host.getProtectionDomain().getClassLoader();
                }
                public static Object proxy() {
                    return java.lang.reflect.Proxy.newProxyInstance(null, new Class<?>[] {Runnable.class}, (p, m, a) -> null);
                }
                public static Object methodTypeFromString() { return MethodType.fromMethodDescriptorString("()V", null); }
                public static Object commonPoolRunAsync() { return CompletableFuture.runAsync(() -> { }); }
                public static Object thenApplyAsyncDefault() { return CompletableFuture.completedFuture(1).thenApplyAsync(x -> x + 1); }
                public static Object parallelStream() { return List.of(1, 2, 3).parallelStream().count(); }
                public static Object systemExit() { System.exit(42); return "still here"; }
                public static Object runtimeHalt() { Runtime.getRuntime().halt(42); return "still here"; }
                public static Object nativeLoad() { System.loadLibrary("stigmemnothing"); return "loaded"; }

                // a bootstrap method of the plugin's own: the JVM hands it a full-privilege Lookup
                public static CallSite boot(MethodHandles.Lookup l, String name, MethodType type) throws Exception {
                    return new ConstantCallSite(l.findStatic(System.class, "getenv", MethodType.methodType(Map.class)));
                }

                public static Object lineSeparator() { return System.getProperty("line.separator"); }
                public static Object pureComputation() { return new TreeMap<>(Map.of("a", 1, "b", 2)).toString(); }
                record R(int a) { }
                public static Object lambdasAndRecords() {
                    Supplier<R> s = () -> new R(3);
                    return List.of(1, 2).stream().map(x -> s.get().a() + x).toList() + "" + s.get();
                }
                public static Object ownResource() throws Exception {
                    try (InputStream in = Attacks.class.getResourceAsStream("Attacks.class")) { return in.readAllBytes().length; }
                }
                public static Object stringFormat() { return String.format(Locale.ROOT, "%.2f %s", 1.5, java.time.ZonedDateTime.now(java.time.ZoneId.of("Europe/Paris"))); }
                public static Object digest() throws Exception { return MessageDigest.getInstance("SHA-256").digest(new byte[1]).length; }
            }
            """;

    /**
     * The JDK modules the shipped policy allows for popular libraries (java.logging, java.sql, java.beans
     * of java.desktop): each member the policy denies there, and their ordinary use, which runs.
     */
    static final String LIBRARY_JDK = """
            package p;

            import java.beans.*;
            import java.io.ByteArrayInputStream;
            import java.nio.charset.StandardCharsets;
            import java.util.ArrayList;
            import java.util.logging.*;

            public final class LibraryJdk {
                public static Object julRootHandler() { Logger.getLogger("").addHandler(new ConsoleHandler()); return "added"; }
                public static Object julRootHandlers() { return Logger.getLogger("").getHandlers(); }
                public static Object julReset() { LogManager.getLogManager().reset(); return "reset"; }
                public static Object julReadConfiguration() throws Exception {
                    LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(new byte[0])); return "read";
                }
                public static Object julSetLevel() { Logger.getLogger("com.example.shared").setLevel(Level.OFF); return "changed"; }
                public static Object julNoParentHandlers() { Logger.getLogger("com.example.shared").setUseParentHandlers(false); return "changed"; }
                public static Object julFileHandler() throws Exception { return new FileHandler("/tmp/stigmem-guard-jul-%u.log"); }
                public static Object julSocketHandler() throws Exception { return new SocketHandler("127.0.0.1", 9); }
                public static Object driverManagerDrivers() { return java.sql.DriverManager.drivers().count(); }
                public static Object driverManagerConnection() throws Exception { return java.sql.DriverManager.getConnection("jdbc:none:x"); }
                public static Object introspectorSearchPath() { Introspector.setBeanInfoSearchPath(new String[] {"p"}); return "changed"; }
                public static Object propertyEditorRegistry() { PropertyEditorManager.registerEditor(ArrayList.class, null); return "changed"; }
                public static Object beansInstantiate() throws Exception { return Beans.instantiate(null, "java.util.ArrayList"); }
                public static Object xmlDecoder() {
                    String xml = "<java><object class=\\"java.util.ArrayList\\"/></java>";
                    return new XMLDecoder(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).readObject();
                }
                public static Object statementExecute() throws Exception { new Statement(new ArrayList<>(), "clear", new Object[0]).execute(); return "ran"; }
                public static Object expressionValue() throws Exception { return new Expression(new ArrayList<>(), "size", new Object[0]).getValue(); }
                public static Object eventHandler() { Runnable r = EventHandler.create(Runnable.class, new ArrayList<>(), "clear"); r.run(); return "ran"; }
                public static Object xmlEncoder() {
                    XMLEncoder e = new XMLEncoder(new java.io.ByteArrayOutputStream());
                    e.writeObject(new java.util.Date(0));
                    e.close();
                    return "written";
                }
                public static Object beansDesignTime() { Beans.setDesignTime(true); return "changed"; }
                // XMLEncoder's superclass, not denied by the scan: its persistence delegates call methods by name too
                public static Object plainEncoder() {
                    var e = new Encoder() { void go() { writeObject(new java.util.Date(0)); } };
                    e.go();
                    return "written";
                }
                // loggers are JVM-wide by name: a resource bundle named with getLogger is set on the shared
                // logger, and rewrites every later record of it, the node's and other plugins' included
                public static class Msgs extends java.util.ListResourceBundle {
                    protected Object[][] getContents() { return new Object[][] {{"started", "forged by a plugin"}}; }
                }
                public static Object julBundleOnSharedLogger() { return Logger.getLogger("com.example.bundled", "p.LibraryJdk$Msgs"); }
                // a Level is registered JVM-wide by name: another plugin's (or the node's) Level.parse returns this object
                public static Object julCustomLevel() { return new Level("STIGMEM_CHANNEL", 1234) { }; }
                // Introspector's BeanInfo of a shared class is one cached object: its descriptors are JVM-wide
                public static Object beansSharedDescriptorValue() throws Exception {
                    Introspector.getBeanInfo(Thread.class).getBeanDescriptor().setValue("stigmem.channel", "from a plugin"); return "changed";
                }
                public static Object beansSharedPropertyRenamed() throws Exception {
                    Introspector.getBeanInfo(Thread.class).getPropertyDescriptors()[0].setDisplayName("forged"); return "changed";
                }
                public static Object beansSharedReadMethod() throws Exception {
                    PropertyDescriptor[] pds = Introspector.getBeanInfo(Thread.class).getPropertyDescriptors();
                    pds[0].setReadMethod(null); return "changed";
                }
                public static Object beansFlushCaches() { Introspector.flushCaches(); return "flushed"; }
                // the ProtectionDomain hands out the defining loader (class.define's getClassLoader by another door)
                public static Object protectionDomainLoader() { return LibraryJdk.class.getProtectionDomain().getClassLoader(); }

                public static Object sharedLogger() {
                    Logger shared = Logger.getLogger("com.example.shared");
                    return shared.getLevel() + " " + shared.getUseParentHandlers();
                }

                // ordinary use, as libraries do it
                public static Object librarySwitches() {
                    return System.getProperty("jsoup.useRe2j", "unset") + " " + System.getProperty("java.runtime.name");
                }
                public static Object julLogging() {
                    Logger log = Logger.getLogger("p.LibraryJdk");
                    log.log(Level.FINE, "not shown {0}", 1);
                    return log.getName() + " " + log.isLoggable(Level.SEVERE);
                }
                public static Object sqlTypes() {
                    return java.sql.Timestamp.valueOf("2026-12-01 10:00:00").toInstant() + " " + java.sql.Date.valueOf("2026-12-01");
                }
                public static class Bean { public int getSize() { return 1; } public void setSize(int s) { } }
                public static Object beanIntrospection() throws Exception {
                    return Introspector.getBeanInfo(Bean.class, Object.class).getPropertyDescriptors()[0].getName();
                }
            }
            """;

    static final String THREADS = """
            package p;

            import java.util.concurrent.CountDownLatch;

            public final class Threads {
                static final CountDownLatch RELEASE = new CountDownLatch(1);
                static volatile boolean hold = true;

                public static Object startSleepers() {
                    for (int i = 0; i < 3; i++) {
                        Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }, "hostile-sleeper-" + i);
                        t.setDaemon(true);
                        t.start();
                    }
                    Thread stubborn = new Thread(() -> { while (hold) { Thread.onSpinWait(); } }, "hostile-stubborn");
                    stubborn.setDaemon(true);
                    stubborn.start();
                    return "started";
                }
                public static Object startOneMore() { Thread t = new Thread(() -> { }); t.start(); return "started"; }
                public static Object executorThreads() throws Exception {
                    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                    try {
                        return pool.submit(() -> "ran").get();
                    } finally {
                        pool.shutdownNow();
                        pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
                    }
                }
                public static Object fileFromOwnThread() throws Throwable {
                    Throwable[] seen = new Throwable[1];
                    Thread t = new Thread(() -> {
                        try { new java.io.FileInputStream("/etc/hostname").close(); } catch (Throwable e) { seen[0] = e; }
                    });
                    t.start();
                    t.join();
                    if (seen[0] != null) { throw seen[0]; }
                    return "read";
                }
                public static Object release() { hold = false; return "released"; }
            }
            """;

    /**
     * Plugin code the JDK runs by name, which no call of the plugin's own names and the pre-scan's call
     * graph therefore misses (INFO there): constructors the JDK instantiates by reflection. The runtime
     * guard is the backstop for each.
     */
    static final String MISSED = """
            package p;

            import java.beans.*;
            import java.util.*;

            public final class Missed {
                static volatile String leaked;
                static String env() { leaked = System.getenv("PATH"); return leaked; }
                public static Object leaked() { return String.valueOf(leaked); }
                public static class Evil extends ListResourceBundle {
                    public Evil() { env(); }
                    protected Object[][] getContents() { return new Object[][] {{"k", "v"}}; }
                }
                public static Object resourceBundleConstructor() { return ResourceBundle.getBundle("p.Missed$Evil").getString("k"); }
                public static class Foo { }
                public static class FooEditor extends PropertyEditorSupport { public FooEditor() { env(); } }
                public static Object propertyEditorByName() { return String.valueOf(PropertyEditorManager.findEditor(Foo.class)); }
                public static class Bar { public int getX() { return 1; } }
                public static class BarBeanInfo extends SimpleBeanInfo { public BarBeanInfo() { env(); } }
                public static Object beanInfoByName() throws Exception { return Introspector.getBeanInfo(Bar.class).getPropertyDescriptors().length; }
                // a security Provider's service names its class by a string; the JDK instantiates it by reflection
                public static class Spi { public Spi() { env(); } }
                static final class Own extends java.security.Provider {
                    final Service spi = new Service(this, "StigmemAny", "x", "p.Missed$Spi", null, null);
                    Own() { super("stigmem-own", "1", "own"); }
                    @Override public Service getService(String type, String algorithm) { return spi; }
                }
                public static Object providerServiceByName() throws Exception { return new Own().spi.newInstance(null); }
            }
            """;
}
