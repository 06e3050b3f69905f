package dev.stigmem.guard.internal.agent;

import dev.stigmem.guard.bridge.GuardBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code Thread#start()} (and its JDK overrides): threads started for a plugin are its. */
final class ThreadStartAdvice {
    private ThreadStartAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This Thread self) {
        GuardBridge.threadStarting(self);
    }
}
