package dev.stigmem.api;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The capability-to-accessor map, derived once from the {@link Gated} annotations on
 * {@link PluginContext}. Package-private: users reach it through {@link Capability}.
 *
 * <p>Built in a holder so that {@link Capability} can be initialised without reflection, and
 * checked as it is built: each capability must gate exactly one no-argument accessor returning
 * {@code Optional<H>} of a distinct interface {@code H}. A broken api fails at first use with an
 * {@link ExceptionInInitializerError}, never with a silently partial map.
 */
final class CapabilityAccessors {

    private static final Map<Capability, Method> ACCESSORS;
    private static final Map<Capability, Class<?>> HANDLES;
    private static final Map<Class<?>, Capability> BY_HANDLE;
    private static final Map<String, Capability> BY_NAME;

    static {
        Map<Capability, Method> accessors = new EnumMap<>(Capability.class);
        Map<Capability, Class<?>> handles = new EnumMap<>(Capability.class);
        Map<Class<?>, Capability> byHandle = new HashMap<>();
        Map<String, Capability> byName = new HashMap<>();
        Method[] methods = PluginContext.class.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            Gated gated = m.getAnnotation(Gated.class);
            if (gated == null) {
                continue;
            }
            Capability c = gated.value();
            Class<?> handle = handleTypeOf(m);
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                throw new IllegalStateException("gated accessor " + m.getName() + " must be an instance method without parameters");
            }
            if (accessors.putIfAbsent(c, m) != null) {
                throw new IllegalStateException("capability '" + c.id() + "' gates two accessors: "
                        + accessors.get(c).getName() + " and " + m.getName());
            }
            if (byHandle.putIfAbsent(handle, c) != null) {
                throw new IllegalStateException("handle type " + handle.getName() + " is returned by two gated accessors");
            }
            handles.put(c, handle);
            byName.put(m.getName(), c);
        }
        for (Capability c : Capability.values()) {
            if (!accessors.containsKey(c)) {
                throw new IllegalStateException("capability '" + c.id() + "' gates no accessor of PluginContext");
            }
        }
        ACCESSORS = Map.copyOf(accessors);
        HANDLES = Map.copyOf(handles);
        BY_HANDLE = Map.copyOf(byHandle);
        BY_NAME = Map.copyOf(byName);
    }

    private CapabilityAccessors() {
    }

    private static Class<?> handleTypeOf(Method m) {
        Type t = m.getGenericReturnType();
        if (t instanceof ParameterizedType p && p.getRawType() == Optional.class
                && p.getActualTypeArguments()[0] instanceof Class<?> h && h.isInterface()) {
            return h;
        }
        throw new IllegalStateException("gated accessor " + m.getName() + " must return Optional<handle interface>, not " + t);
    }

    static Method accessor(Capability c) {
        return ACCESSORS.get(c);
    }

    static Class<?> handleType(Capability c) {
        return HANDLES.get(c);
    }

    static Optional<Capability> forHandleType(Class<?> handleType) {
        return Optional.ofNullable(BY_HANDLE.get(handleType));
    }

    static Optional<Capability> forAccessorName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
