package dev.stigmem.guard.internal.agent;

import dev.stigmem.guard.internal.check.GuardSite;
import dev.stigmem.guard.internal.check.SiteTable;
import dev.stigmem.loader.scan.PolicyRule;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Rewrites JDK classes so that each method named by a guard line of the policy first calls the
 * bridge with the index of its site. Only classes of the boot and platform loaders are touched: a
 * subclass a plugin defines is plugin code, judged where it calls the JDK.
 *
 * <p>A line names an owner; the methods instrumented are the owner's and those of its JDK subtypes
 * that override them (so {@code FileSystemProvider#newByteChannel} reaches the provider that runs),
 * constructors only in the owner itself. Abstract and native methods have no body to advise.
 */
public final class JdkInstrumentation {

    /** The property readers whose first argument is the key (the policy's allow-property keys pass). */
    private static final Set<String> KEY_READERS = Set.of("java/lang/System#getProperty", "java/lang/Integer#getInteger",
            "java/lang/Long#getLong", "java/lang/Boolean#getBoolean");
    private static final String THREAD = "java.lang.Thread";

    private final Map<String, List<PolicyRule>> byOwner = new HashMap<>();
    private final boolean threads;
    private final SiteTable sites;
    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();

    private JdkInstrumentation(Collection<PolicyRule> rules, boolean threads, SiteTable sites) {
        for (PolicyRule r : rules) {
            if (r.kind().guarded()) {
                byOwner.computeIfAbsent(r.owner().replace('/', '.'), k -> new ArrayList<>()).add(r);
            }
        }
        this.threads = threads;
        this.sites = sites;
    }

    /**
     * Instruments, now and for classes loaded later, the members of {@code rules}' guard lines, and
     * {@code Thread#start} when {@code threads}. Returns the members instrumented so far (the set grows
     * as JDK classes load).
     */
    public static Set<String> install(Instrumentation inst, Collection<PolicyRule> rules, boolean threads, SiteTable sites,
                                      Class<?> bridge, Consumer<String> errors) {
        JdkInstrumentation plan = new JdkInstrumentation(rules, threads, sites);
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(1))
                .with(new Failures(errors))
                .assureReadEdgeTo(inst, bridge)
                .ignore((type, loader, module, redefined, pd) -> loader != null && loader != platform)
                .type(plan::matches)
                .transform(plan::transform)
                .installOn(inst);
        return plan.instrumented;
    }

    private boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined, ProtectionDomain pd) {
        return !owners(type).isEmpty();
    }

    /** The policy owners (and Thread) among a type and its supertypes. */
    private Set<String> owners(TypeDescription type) {
        Set<String> found = new HashSet<>();
        List<TypeDefinition> queue = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            TypeDefinition t = queue.remove(queue.size() - 1);
            String name = t.asErasure().getName();
            if (!seen.add(name)) {
                continue;
            }
            if (byOwner.containsKey(name) || (threads && name.equals(THREAD))) {
                found.add(name);
            }
            if (t.getSuperClass() != null) {
                queue.add(t.getSuperClass());
            }
            queue.addAll(t.getInterfaces());
        }
        return found;
    }

    private DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                             JavaModule module, ProtectionDomain pd) {
        Set<String> owners = owners(type);
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.isAbstract() || m.isNative() || m.isTypeInitializer()) {
                continue;
            }
            if (owners.contains(THREAD) && m.getInternalName().equals("start") && m.getParameters().isEmpty() && !m.isStatic()) {
                builder = builder.visit(Advice.to(ThreadStartAdvice.class).on(ElementMatchers.is(m)));
                instrumented.add(type.getName() + "#start");
                continue;
            }
            PolicyRule rule = ruleFor(type, owners, m);
            if (rule == null) {
                continue;
            }
            String ownerDotted = rule.owner().replace('/', '.');
            String member = ownerDotted + "#" + m.getInternalName();
            int site = sites.add(new GuardSite(member, rule.ruleId(), rule.reason(),
                    rule.kind() == PolicyRule.Kind.GUARD_ENTRY ? GuardSite.Mode.FIRST_OUTSIDE_JDK : GuardSite.Mode.CALLER));
            boolean keyed = KEY_READERS.contains(rule.owner() + "#" + m.getInternalName()) && !m.getParameters().isEmpty()
                    && m.getParameters().get(0).getType().asErasure().represents(String.class);
            Advice advice = Advice.withCustomMapping().bind(SiteId.class, site).to(keyed ? KeyAdvice.class : SiteAdvice.class);
            builder = builder.visit(advice.on(ElementMatchers.is(m)));
            instrumented.add(type.getName().equals(ownerDotted) ? member : member + " (in " + type.getName() + ")");
        }
        return builder;
    }

    private PolicyRule ruleFor(TypeDescription type, Set<String> owners, MethodDescription.InDefinedShape m) {
        String name = m.getInternalName();
        String desc = m.getDescriptor();
        for (String owner : owners) {
            List<PolicyRule> rules = byOwner.get(owner);
            if (rules == null) {
                continue;
            }
            boolean own = owner.equals(type.getName());
            if (!own && (m.isConstructor() || m.isStatic())) {
                continue; // neither is inherited: only the owner's own are its
            }
            for (PolicyRule r : rules) {
                if (r.matchesMember(name, desc)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Collects transformation errors: each is a hole in the guard, reported rather than hidden. */
    private record Failures(Consumer<String> errors) implements AgentBuilder.Listener {
        @Override
        public void onDiscovery(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
        }

        @Override
        public void onIgnored(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded) {
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            errors.accept(typeName + ": " + throwable);
        }

        @Override
        public void onComplete(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
        }
    }
}
