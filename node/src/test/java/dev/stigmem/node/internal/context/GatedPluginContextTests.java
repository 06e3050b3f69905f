package dev.stigmem.node.internal.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.node.CoreApis;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime gate, for every capability the api declares (derived from the api, so a 14th
 * capability is covered without touching this class), reached every way a plugin can reach it.
 */
class GatedPluginContextTests {

    /** How a plugin can reach an accessor. */
    enum Reach {
        /** {@code Method.invoke}. */
        REFLECTION {
            @Override
            Optional<?> call(PluginContext ctx, Capability c) throws Throwable {
                try {
                    return (Optional<?>) c.accessor().invoke(ctx);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        },
        /** A method handle, as {@code ldc MethodHandle} or {@code findVirtual} yields. */
        METHOD_HANDLE {
            @Override
            Optional<?> call(PluginContext ctx, Capability c) throws Throwable {
                return (Optional<?>) MethodHandles.publicLookup().unreflect(c.accessor()).invoke(ctx);
            }
        },
        /** A method reference: what javac emits for {@code ctx::getFactsReader}. */
        METHOD_REFERENCE {
            @Override
            @SuppressWarnings("unchecked")
            Optional<?> call(PluginContext ctx, Capability c) throws Throwable {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle target = lookup.unreflect(c.accessor());
                CallSite site = LambdaMetafactory.metafactory(lookup, "apply",
                        MethodType.methodType(Function.class), MethodType.methodType(Object.class, Object.class),
                        target, MethodType.methodType(Optional.class, PluginContext.class));
                Function<PluginContext, Optional<?>> ref = (Function<PluginContext, Optional<?>>) site.getTarget().invoke();
                return ref.apply(ctx);
            }
        };

        abstract Optional<?> call(PluginContext ctx, Capability c) throws Throwable;
    }

    static Stream<Arguments> everyCapabilityEveryReach() {
        return Stream.of(Capability.values())
                .flatMap(c -> Stream.of(Reach.values()).map(r -> Arguments.of(c, r)));
    }

    private static Object handleFor(Capability c) {
        // An opaque instance of the handle type: the gate must hand back exactly this object.
        return Proxy.newProxyInstance(c.handleType().getClassLoader(), new Class<?>[] {c.handleType()},
                (proxy, method, args) -> {
                    throw new AssertionError("the gate must not call into the handle");
                });
    }

    private static CoreApis allProvided() {
        CoreApis.Builder b = CoreApis.builder();
        for (Capability c : Capability.values()) {
            provide(b, c.handleType(), handleFor(c));
        }
        return b.build();
    }

    private static <H> void provide(CoreApis.Builder b, Class<H> type, Object handle) {
        b.provide(type, type.cast(handle));
    }

    private static PluginManifest manifest(Set<Capability> caps) {
        return PluginManifest.of("example-plugin", "1.0.0", ">=0.9.0",
                caps.stream().map(Capability::id).toList(), List.of());
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("everyCapabilityEveryReach")
    void undeclaredAccessorThrowsCapabilityError(Capability c, Reach reach) {
        // Declare everything except c: only c's accessor must fail.
        Set<Capability> others = EnumSet.complementOf(EnumSet.of(c));
        PluginContext ctx = new GatedPluginContext(manifest(others), allProvided());
        assertThatThrownBy(() -> reach.call(ctx, c))
                .isExactlyInstanceOf(CapabilityError.class)
                .hasMessage("plugin 'example-plugin' cannot call " + c.accessorName()
                        + ": capability '" + c.id() + "' not declared")
                .satisfies(e -> {
                    CapabilityError ce = (CapabilityError) e;
                    assertThat(ce.pluginName()).isEqualTo("example-plugin");
                    assertThat(ce.accessorName()).isEqualTo(c.accessorName());
                    assertThat(ce.capability()).isSameAs(c);
                });
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("everyCapabilityEveryReach")
    void declaredAccessorReturnsTheProvidedHandle(Capability c, Reach reach) throws Throwable {
        CoreApis apis = allProvided();
        PluginContext ctx = new GatedPluginContext(manifest(EnumSet.of(c)), apis);
        Optional<?> handle = reach.call(ctx, c);
        assertThat(handle).isPresent();
        assertThat(handle.get()).isSameAs(apis.handle(c).orElseThrow()).isInstanceOf(c.handleType());
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void declaredButNotProvidedIsEmpty(Capability c) throws Throwable {
        PluginContext ctx = new GatedPluginContext(manifest(EnumSet.of(c)), CoreApis.none());
        assertThat(Reach.REFLECTION.call(ctx, c)).isEmpty();
    }

    @Test
    void directCallsOfEveryAccessorAreGated() {
        // Plain invokeinterface call sites, one per accessor. The coverage check below fails if a
        // capability is added to the api without a direct call here.
        List<Function<PluginContext, Optional<?>>> direct = List.of(
                ctx -> ctx.getFactsReader(), ctx -> ctx.getFactsWriter(), ctx -> ctx.getRecallReader(),
                ctx -> ctx.getRecallWriter(), ctx -> ctx.getAuditEmitter(), ctx -> ctx.getAuditReader(),
                ctx -> ctx.getFederationReader(), ctx -> ctx.getFederationWriter(), ctx -> ctx.getIdentityReader(),
                ctx -> ctx.getTenantReader(), ctx -> ctx.getTenantWriter(), ctx -> ctx.getConfigReader(),
                ctx -> ctx.getNetworkOutbound());
        PluginContext none = new GatedPluginContext(manifest(Set.of()), allProvided());
        Set<Capability> denied = EnumSet.noneOf(Capability.class);
        for (var call : direct) {
            try {
                call.apply(none);
            } catch (CapabilityError e) {
                denied.add(e.capability());
            }
        }
        assertThat(denied).isEqualTo(EnumSet.allOf(Capability.class));

        PluginContext all = new GatedPluginContext(manifest(EnumSet.allOf(Capability.class)), allProvided());
        assertThat(direct.stream().map(call -> call.apply(all)).filter(Optional::isPresent).count())
                .isEqualTo(Capability.values().length);
    }

    @Test
    void identityAndGrantAreVisibleToThePlugin() {
        PluginContext ctx = new GatedPluginContext(manifest(EnumSet.of(Capability.AUDIT_EMIT, Capability.FACTS_READ)), CoreApis.none());
        assertThat(ctx.pluginName()).isEqualTo("example-plugin");
        assertThat(ctx.pluginVersion()).hasToString("1.0.0");
        assertThat(ctx.declaredCapabilities()).containsExactly(Capability.FACTS_READ, Capability.AUDIT_EMIT);
        assertThatThrownBy(() -> ctx.declaredCapabilities().add(Capability.NETWORK_OUTBOUND))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void gateStateIsNotReachableByReflectionFromOutsideTheNode() {
        // Fields are private and final, and the package is exported only to the testkit and opened
        // to nobody, so a plugin module cannot setAccessible them. Assert the precondition here:
        // nothing in the class is public beyond the PluginContext methods and the constructor.
        assertThat(Stream.of(GatedPluginContext.class.getDeclaredFields())
                .filter(f -> !java.lang.reflect.Modifier.isPrivate(f.getModifiers())).map(f -> f.getName())
                .collect(Collectors.toList())).isEmpty();
        Module node = GatedPluginContext.class.getModule();
        if (node.isNamed()) {
            assertThat(node.isOpen(GatedPluginContext.class.getPackageName())).isFalse();
        }
    }
}
