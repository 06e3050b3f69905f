package dev.stigmem.guard.internal.check;

import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * The checks as the bridge holds them: JDK interfaces implemented by a class of this package, so that
 * the stack walk knows every frame of the guard by its package (no lambda of another package).
 */
public final class BridgeChecks implements IntConsumer, ObjIntConsumer<Object>, Consumer<Thread> {
    private final GuardChecker checker;

    public BridgeChecks(GuardChecker checker) {
        this.checker = checker;
    }

    @Override
    public void accept(int site) {
        checker.check(site);
    }

    @Override
    public void accept(Object key, int site) {
        checker.checkKey(key, site);
    }

    @Override
    public void accept(Thread thread) {
        checker.threadStarting(thread);
    }
}
