package dev.stigmem.guard.internal.agent;

import dev.stigmem.guard.bridge.GuardBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into the system-property readers: the key decides (the policy's allow-property keys pass). */
final class KeyAdvice {
    private KeyAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@SiteId int site, @Advice.Argument(0) Object key) {
        GuardBridge.checkKey(site, key);
    }
}
