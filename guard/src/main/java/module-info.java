/**
 * The runtime JDK guard: the second, independent line for JDK access (the pre-scan is the first).
 *
 * <p>A Java agent (ByteBuddy {@code AgentBuilder} + {@code Advice}, after Elasticsearch's
 * entitlements) instruments the JDK members that the scan policy marks {@code guard-member} or
 * {@code guard-entry}; each refuses, with {@link dev.stigmem.api.JdkAccessError}, a call made for
 * plugin code. The policy is the loader's {@link dev.stigmem.loader.scan.ScanPolicy}: one file, read by
 * both lines. Kept apart from the policy and from the node: the bridge the instrumented JDK code calls
 * (module {@code stigmem-guard-bridge}, its bytes carried in this jar) is injected into the boot loader, the agent ({@code internal.agent}) only
 * rewrites JDK classes, and the decisions ({@code internal.check}) know nothing of the node.
 *
 * <p>Exported: {@code dev.stigmem.guard}, what a host needs ({@link dev.stigmem.guard.JdkGuard}).
 */
module dev.stigmem.guard {
    // JdkAccessError, the refusal plugin code sees.
    requires transitive dev.stigmem.api;
    // The scan policy: the guard's targets and reasons are its guard-member / guard-entry lines.
    requires transitive dev.stigmem.loader;
    // The agent API (Instrumentation), given by -javaagent or by attaching.
    requires transitive java.instrument;
    // AgentBuilder and Advice rewrite the JDK entry points.
    requires net.bytebuddy;
    // Attaching to the running JVM when it was not started with -javaagent (embedding, tests).
    requires net.bytebuddy.agent;
    requires jdk.attach;
    requires org.slf4j;
    // Compile time only: the advice calls the bridge, which at run time lives in the boot loader.
    requires static dev.stigmem.guard.bridge;

    exports dev.stigmem.guard;
}
