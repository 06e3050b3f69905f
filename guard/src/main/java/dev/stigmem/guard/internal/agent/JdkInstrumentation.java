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
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
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
    // The site of each advised method (type, name, descriptor), read while the advice is inlined: one
    // Advice per kind, so ByteBuddy reads each advice class once, not once per method.
    private final Map<String, Integer> siteOf = new ConcurrentHashMap<>();
    private final Advice siteAdvice = Advice.withCustomMapping().bind(new SiteMapping()).to(SiteAdvice.class);
    private final Advice keyAdvice = Advice.withCustomMapping().bind(new SiteMapping()).to(KeyAdvice.class);
    private final Advice threadAdvice = Advice.to(ThreadStartAdvice.class);

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
                // one retransformation for all classes; a failing batch is split until the culprit stands alone
                .with(AgentBuilder.RedefinitionStrategy.BatchAllocator.ForTotal.INSTANCE)
                .with(AgentBuilder.RedefinitionStrategy.Listener.BatchReallocator.splitting())
                .with(new Failures(errors))
                // Each JDK class that loads is matched by its supertypes (owners), described from their
                // class files: cached per JDK loader across classes, bounded, and no other loader kept.
                .with(new JdkTypePoolCache(platform))
                .assureReadEdgeTo(inst, bridge)
                .ignore((type, loader, module, redefined, pd) -> loader != null && loader != platform)
                .type(plan::matches)
                .transform(plan::transform)
                .installOn(inst);
        return plan.instrumented;
    }

    /**
     * Only types that declare a method to advise: a type that merely inherits one (every collection
     * inherits {@code Collection#parallelStream}) is not retransformed, which keeps installation cheap.
     */
    private boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined, ProtectionDomain pd) {
        Set<String> owners = owners(type);
        if (owners.isEmpty()) {
            return false;
        }
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.isAbstract() || m.isNative() || m.isTypeInitializer()) {
                continue;
            }
            if (isThreadStart(owners, m) || ruleFor(type, owners, m) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean isThreadStart(Set<String> owners, MethodDescription m) {
        return owners.contains(THREAD) && m.getInternalName().equals("start") && m.getParameters().isEmpty() && !m.isStatic();
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
        List<MethodDescription> plain = new ArrayList<>();
        List<MethodDescription> keyed = new ArrayList<>();
        List<MethodDescription> starts = new ArrayList<>();
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.isAbstract() || m.isNative() || m.isTypeInitializer()) {
                continue;
            }
            if (isThreadStart(owners, m)) {
                starts.add(m);
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
            siteOf.put(key(type, m), site);
            boolean isKeyed = KEY_READERS.contains(rule.owner() + "#" + m.getInternalName()) && !m.getParameters().isEmpty()
                    && m.getParameters().get(0).getType().asErasure().represents(String.class);
            (isKeyed ? keyed : plain).add(m);
            instrumented.add(type.getName().equals(ownerDotted) ? member : member + " (in " + type.getName() + ")");
        }
        if (!plain.isEmpty()) {
            builder = builder.visit(siteAdvice.on(ElementMatchers.anyOf(plain)));
        }
        if (!keyed.isEmpty()) {
            builder = builder.visit(keyAdvice.on(ElementMatchers.anyOf(keyed)));
        }
        if (!starts.isEmpty()) {
            builder = builder.visit(threadAdvice.on(ElementMatchers.anyOf(starts)));
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

    private static String key(TypeDescription type, MethodDescription m) {
        return type.getName() + '#' + m.getInternalName() + m.getDescriptor();
    }

    /** Resolves {@code @SiteId} to the constant site index of the method being advised. */
    private final class SiteMapping implements Advice.OffsetMapping.Factory<SiteId> {
        @Override
        public Class<SiteId> getAnnotationType() {
            return SiteId.class;
        }

        @Override
        public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target, AnnotationDescription.Loadable<SiteId> annotation,
                                         AdviceType adviceType) {
            return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) -> {
                Integer site = siteOf.get(key(instrumentedType, instrumentedMethod));
                if (site == null) {
                    throw new IllegalStateException("no guard site for " + key(instrumentedType, instrumentedMethod));
                }
                return new Advice.OffsetMapping.Target.ForStackManipulation(IntegerConstant.forValue(site));
            };
        }
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
