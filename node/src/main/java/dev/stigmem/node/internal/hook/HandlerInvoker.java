package dev.stigmem.node.internal.hook;

import dev.stigmem.api.PluginContext;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.HookHandler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Calls a hook's single handler method on a handler object.
 *
 * <p>The method is found from the hook's handler interface (its one abstract method), so there is
 * no per-hook dispatch code to keep in step with {@link Hook}. Each invoker is a method handle of
 * the interface method bound to one handler and adapted to {@code (PluginContext, Object)Object},
 * so dispatch is one {@code invokeExact} without reflection or boxing of arguments.
 */
final class HandlerInvoker {

    private static final MethodType SHAPE = MethodType.methodType(Object.class, PluginContext.class, Object.class);
    private static final Map<Hook, MethodHandle> UNBOUND = new EnumMap<>(Hook.class);
    private static final Map<Hook, Class<?>> PAYLOAD = new EnumMap<>(Hook.class);

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (Hook hook : Hook.values()) {
            Method m = Arrays.stream(hook.handlerType().getMethods())
                    .filter(x -> Modifier.isAbstract(x.getModifiers()))
                    .reduce((a, b) -> {
                        throw new IllegalStateException(hook.handlerType().getName() + " has more than one abstract method");
                    })
                    .orElseThrow(() -> new IllegalStateException(hook.handlerType().getName() + " has no handler method"));
            PAYLOAD.put(hook, m.getParameterTypes()[1]);
            try {
                UNBOUND.put(hook, lookup.unreflect(m));
            } catch (IllegalAccessException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final MethodHandle bound;

    /** The payload type a hook's handler method takes (its second parameter). */
    static Class<?> payloadType(Hook hook) {
        return PAYLOAD.get(hook);
    }

    private HandlerInvoker(MethodHandle bound) {
        this.bound = bound;
    }

    /** An invoker of {@code hook}'s method on {@code handler}, which must implement its interface. */
    static HandlerInvoker of(Hook hook, HookHandler handler) {
        if (!hook.handlerType().isInstance(handler)) {
            throw new IllegalArgumentException(handler.getClass().getName() + " does not implement "
                    + hook.handlerType().getSimpleName() + " and cannot handle " + hook.id());
        }
        return new HandlerInvoker(UNBOUND.get(hook).bindTo(handler).asType(SHAPE));
    }

    /**
     * Invokes the handler. Whatever it throws propagates unchanged (checked exceptions included:
     * handler interfaces declare none, but hostile bytecode can throw them anyway).
     */
    Object invoke(PluginContext context, Object payload) throws Throwable {
        return (Object) bound.invokeExact(context, payload);
    }
}
