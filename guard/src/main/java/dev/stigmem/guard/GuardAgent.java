package dev.stigmem.guard;

import dev.stigmem.loader.scan.ScanPolicy;
import java.lang.instrument.Instrumentation;

/**
 * The agent entry points of {@code stigmem-guard.jar}: {@code java -javaagent:stigmem-guard.jar ...}
 * installs the runtime JDK guard with the shipped scan policy before {@code main} runs. A node started
 * with an operator policy extends it when it starts ({@link JdkGuard#install(ScanPolicy)}).
 */
public final class GuardAgent {
    private GuardAgent() {
    }

    /** {@code -javaagent}. */
    public static void premain(String args, Instrumentation inst) {
        JdkGuard.install(inst, ScanPolicy.shipped());
    }

    /** Attached to a running JVM. */
    public static void agentmain(String args, Instrumentation inst) {
        premain(args, inst);
    }
}
