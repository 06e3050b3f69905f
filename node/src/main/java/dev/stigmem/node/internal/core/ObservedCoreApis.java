package dev.stigmem.node.internal.core;

import dev.stigmem.api.Capability;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.CoreCall;
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValueException;
import dev.stigmem.node.internal.untrusted.PluginValues;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core API handles that report every call a plugin makes on them ({@link CoreCall}) to a host
 * listener, then return or throw exactly what the real handle did.
 *
 * <p>One dynamic proxy per handle, derived from the api's handle types ({@link Capability#handleType()}),
 * so a new capability is observed without a change here. Only a node built with an observer pays
 * for the proxies; the default node hands plugins the handles themselves.
 */
public final class ObservedCoreApis {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedCoreApis.class);

    private ObservedCoreApis() {
    }

    /** The same handles as {@code apis}, each reporting its calls by {@code plugin} to {@code listener}. */
    public static CoreApis wrap(String plugin, CoreApis apis, Consumer<CoreCall> listener) {
        CoreApis.Builder b = CoreApis.builder();
        for (Capability c : Capability.values()) {
            apis.handle(c).ifPresent(h -> provide(b, c, plugin, h, listener));
        }
        return b.build();
    }

    private static <H> void provide(CoreApis.Builder b, Capability c, String plugin, Object handle, Consumer<CoreCall> listener) {
        @SuppressWarnings("unchecked") // the capability's handle type, as CoreApis stores it
        Class<H> type = (Class<H>) c.handleType();
        InvocationHandler h = new Recorder(plugin, c, handle, listener);
        b.provide(type, type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h)));
    }

    /**
     * Calls the real handle and reports the call. Not a record, and its {@code toString} names no
     * field: the handler is host code, and nothing of it (the real handle, the listener) may show
     * through to a plugin, which the scan keeps from {@code Proxy.getInvocationHandler} anyway.
     */
    private static final class Recorder implements InvocationHandler {
        private final String plugin;
        private final Capability capability;
        private final Object target;
        private final Consumer<CoreCall> listener;

        Recorder(String plugin, Capability capability, Object target, Consumer<CoreCall> listener) {
            this.plugin = plugin;
            this.capability = capability;
            this.target = target;
            this.listener = listener;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> capability.handleType().getSimpleName() + " of plugin " + plugin;
                };
            }
            // Only the handle's own interface methods are passed on, whoever calls invoke.
            if (!method.getDeclaringClass().isAssignableFrom(capability.handleType()) || !method.getDeclaringClass().isInterface()) {
                throw new IllegalArgumentException(method + " is not a method of " + capability.handleType().getName());
            }
            // One copy of the plugin's arguments, made before anything reads them: the real handle
            // gets it, and so does the host's observer, which may keep it and read it on its own
            // thread long after the plugin's call (nothing of the plugin's may be in it).
            Object[] copied;
            try {
                copied = copyArguments(method, args);
            } catch (PluginValueException refused) {
                report(new CoreCall(plugin, capability, method.getName(), List.of(), Optional.empty(), Optional.of(refused)));
                throw refused;
            } catch (RuntimeException | Error unreadable) {
                // The plugin's own code failed while its argument was read: it gets its exception
                // back; the observer gets the node's rendering of it.
                report(new CoreCall(plugin, capability, method.getName(), List.of(), Optional.empty(), Optional.of(
                        new PluginValueException("an argument could not be read: threw " + PluginText.thrown(unreadable)))));
                throw unreadable;
            }
            List<Object> arguments = Arrays.asList(copied);
            Object result;
            try {
                result = method.invoke(target, copied);
            } catch (InvocationTargetException e) {
                Throwable thrown = e.getCause();
                report(new CoreCall(plugin, capability, method.getName(), arguments, Optional.empty(), Optional.of(thrown)));
                throw thrown;
            }
            report(new CoreCall(plugin, capability, method.getName(), arguments, Optional.ofNullable(result), Optional.empty()));
            return result;
        }

        private static Object[] copyArguments(Method method, Object[] args) {
            if (args == null) {
                return new Object[0];
            }
            Class<?>[] types = method.getParameterTypes();
            Object[] copied = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                copied[i] = PluginValues.argument(types[i], args[i]);
            }
            return copied;
        }

        // The observer is the host's; its failure must not change what the plugin's call returns.
        private void report(CoreCall call) {
            try {
                listener.accept(call);
            } catch (RuntimeException e) {
                LOG.warn("core call observer failed on {}: {}", call.method(), e.toString());
            }
        }

        @Override
        public String toString() {
            return "core call recorder";
        }
    }
}
