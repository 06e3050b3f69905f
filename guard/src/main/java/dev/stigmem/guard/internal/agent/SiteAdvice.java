package dev.stigmem.guard.internal.agent;

import dev.stigmem.guard.bridge.GuardBridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of each guarded JDK method (constructors included: no use of {@code this}). */
final class SiteAdvice {
    private SiteAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@SiteId int site) {
        GuardBridge.check(site);
    }
}
