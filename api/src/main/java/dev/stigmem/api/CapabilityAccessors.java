package dev.stigmem.api;

import dev.stigmem.api.GatedDeclarations.Declaration;
import java.lang.reflect.Method;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The capability-to-accessor map, derived once from the {@link Gated} annotations on
 * {@link PluginContext}. Package-private: users reach it through {@link Capability}.
 *
 * <p>Built in a holder so that {@link Capability} can be initialised without it, and checked as it
 * is built: each capability must gate exactly one public no-argument instance accessor returning
 * {@code Optional<H>} of a distinct interface {@code H}. A broken api fails at first use with an
 * {@link ExceptionInInitializerError}, never with a silently partial map.
 *
 * <p>The annotations and the handle types are read from {@code PluginContext}'s own class file
 * ({@link GatedDeclarations}), not through {@link Method#getAnnotation} and
 * {@link Method#getGenericReturnType}: those make annotation proxies and start the generic
 * signature parser in every cold {@code stigmem scan}, a short-lived JVM (16 ms of CPU against
 * 6 ms this way, see there). A table generated at build time would cost even less at run time,
 * but it would be a second copy of the annotations, with a build step and a staleness check of its
 * own; this keeps the annotations the one source that is read. Only {@link Class#getMethod} is reflection here, for the
 * {@link Method} that {@link Capability#accessor()} hands out.
 */
final class CapabilityAccessors {

    /** What an accessor's generic signature starts and ends with: {@code ()Ljava/util/Optional<LH;>;}. */
    private static final String OPTIONAL_OF = "()Ljava/util/Optional<L";
    private static final String OPTIONAL_END = ";>;";
    private static final String OPTIONAL_ERASED = "()Ljava/util/Optional;";

    /** The four views of one derivation. */
    record Derivation(Map<Capability, Method> accessors, Map<Capability, Class<?>> handles,
            Map<Class<?>, Capability> byHandle, Map<String, Capability> byName) {
    }

    private static final Derivation CONTEXT = derive(PluginContext.class);

    private CapabilityAccessors() {
    }

    /**
     * The map of the {@link Gated} accessors that {@code context} declares.
     *
     * @throws IllegalStateException if an accessor breaks a rule of the class comment, or a capability
     *     gates none, or the class file cannot be read
     */
    static Derivation derive(Class<?> context) {
        if (context.getInterfaces().length != 0) {
            // Its class file holds its own methods only: an accessor inherited from another
            // interface would be missed, and a partial map is worse than none.
            throw new IllegalStateException(context.getName() + " must extend no interface: the capability map is read from "
                    + "its own class file, which does not hold the accessors it inherits");
        }
        Map<Capability, Method> accessors = new EnumMap<>(Capability.class);
        Map<Capability, Class<?>> handles = new EnumMap<>(Capability.class);
        Map<Class<?>, Capability> byHandle = new HashMap<>();
        Map<String, Capability> byName = new HashMap<>();
        for (Declaration d : GatedDeclarations.of(context).declarations()) {
            Capability c = d.capability();
            if ((d.access() & GatedDeclarations.ACC_PUBLIC) == 0 || (d.access() & GatedDeclarations.ACC_STATIC) != 0
                    || !d.descriptor().startsWith("()")) {
                throw new IllegalStateException("gated accessor " + d.name() + " of " + context.getName()
                        + " must be a public instance method without parameters");
            }
            Class<?> handle = handleTypeOf(context, d);
            Method m = methodOf(context, d);
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
                throw new IllegalStateException("capability '" + c.id() + "' gates no accessor of " + context.getName());
            }
        }
        return new Derivation(Map.copyOf(accessors), Map.copyOf(handles), Map.copyOf(byHandle), Map.copyOf(byName));
    }

    /** {@code H} of an accessor whose generic signature is exactly {@code ()Optional<H>}, H a named interface. */
    private static Class<?> handleTypeOf(Class<?> context, Declaration d) {
        String signature = d.signature().orElse(d.descriptor());
        if (d.descriptor().equals(OPTIONAL_ERASED) && signature.startsWith(OPTIONAL_OF) && signature.endsWith(OPTIONAL_END)
                && signature.length() > OPTIONAL_OF.length() + OPTIONAL_END.length()) {
            String internalName = signature.substring(OPTIONAL_OF.length(), signature.length() - OPTIONAL_END.length());
            // A plain class name: no type arguments, no inner class of a generic outer, no second type.
            if (plainClassName(internalName)) {
                Class<?> h;
                try {
                    h = Class.forName(internalName.replace('/', '.'), false, context.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("gated accessor " + d.name() + " of " + context.getName()
                            + ": handle type " + internalName + " cannot be loaded: " + e, e);
                }
                if (h.isInterface()) {
                    return h;
                }
            }
        }
        throw new IllegalStateException("gated accessor " + d.name() + " of " + context.getName()
                + " must return Optional<handle interface>, not " + signature);
    }

    private static boolean plainClassName(String internalName) {
        for (int i = 0; i < internalName.length(); i++) {
            switch (internalName.charAt(i)) {
                case ';', '<', '>', '.', '[', ':' -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    private static Method methodOf(Class<?> context, Declaration d) {
        try {
            return context.getMethod(d.name());
        } catch (NoSuchMethodException e) {
            // The class file and the loaded class disagree: not the file of this class.
            throw new IllegalStateException("gated accessor " + d.name() + " of " + context.getName()
                    + " is in its class file but not a public method of the class", e);
        }
    }

    static Method accessor(Capability c) {
        return CONTEXT.accessors().get(c);
    }

    static Class<?> handleType(Capability c) {
        return CONTEXT.handles().get(c);
    }

    static Optional<Capability> forHandleType(Class<?> handleType) {
        return Optional.ofNullable(CONTEXT.byHandle().get(handleType));
    }

    static Optional<Capability> forAccessorName(String name) {
        return Optional.ofNullable(CONTEXT.byName().get(name));
    }
}
