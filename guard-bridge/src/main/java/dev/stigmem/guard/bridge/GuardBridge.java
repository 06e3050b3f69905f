package dev.stigmem.guard.bridge;

import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * What instrumented JDK code calls. The agent injects this class's bytes into the boot loader (the
 * JDK cannot link a class of the application loader) and the guard installs its checks here, once;
 * the checks are JDK functional interfaces so that no type of the guard's own loader is needed.
 *
 * <p>Only JDK types, no lambdas, no other class of the guard: it must stand alone in the boot loader.
 * Its package belongs to no module of the node (the guard jar carries these bytes under META-INF and
 * compiles against this jar with {@code requires static}), so every loader finds the boot loader's copy.
 */
public final class GuardBridge {

    private static volatile IntConsumer check;
    private static volatile ObjIntConsumer<Object> keyCheck;
    private static volatile Consumer<Thread> threadStart;

    private GuardBridge() {
    }

    /** A guarded member was called; {@code site} identifies it. May throw the refusal. */
    public static void check(int site) {
        IntConsumer c = check;
        if (c != null) {
            c.accept(site);
        }
    }

    /** A guarded property reader was called with {@code key}. May throw the refusal. */
    public static void checkKey(int site, Object key) {
        ObjIntConsumer<Object> c = keyCheck;
        if (c != null) {
            c.accept(key, site);
        }
    }

    /** A thread is about to start. May throw the refusal. */
    public static void threadStarting(Thread thread) {
        Consumer<Thread> c = threadStart;
        if (c != null) {
            c.accept(thread);
        }
    }

    /**
     * Installs the checks; once per JVM.
     *
     * @throws IllegalStateException if already installed
     */
    public static synchronized void install(IntConsumer site, ObjIntConsumer<Object> key, Consumer<Thread> start) {
        if (check != null) {
            throw new IllegalStateException("the runtime JDK guard is already installed");
        }
        if (site == null || key == null || start == null) {
            throw new NullPointerException("checks");
        }
        keyCheck = key;
        threadStart = start;
        check = site;
    }

    /** Whether checks are installed. */
    public static boolean installed() {
        return check != null;
    }
}
