package dev.stigmem.node;

import dev.stigmem.api.Capability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One call a plugin made on a core API handle, as seen by {@link StigmemNode.Builder#observeCoreCalls}.
 *
 * @param plugin     the plugin that made it
 * @param capability the capability whose handle it called
 * @param method     the handle method's name, for example {@code retract}
 * @param arguments  the arguments as passed; a {@code null} argument is recorded as {@link Optional#empty()}
 * @param result     what the method returned (empty for {@code void}, {@code null} or a failure)
 * @param failure    what the method threw, if anything
 */
public record CoreCall(String plugin, Capability capability, String method, List<Object> arguments,
                       Optional<Object> result, Optional<Throwable> failure) {
    public CoreCall {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(method, "method");
        List<Object> copy = new ArrayList<>(arguments.size());
        for (Object a : arguments) {
            copy.add(a == null ? Optional.empty() : a);
        }
        arguments = Collections.unmodifiableList(copy);
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(failure, "failure");
    }

    /** The handle type called, derived from the capability. */
    public Class<?> handleType() {
        return capability.handleType();
    }

    /**
     * The argument at {@code index} as {@code type}.
     *
     * @throws IndexOutOfBoundsException if there is no such argument
     * @throws IllegalStateException     if the plugin passed {@code null} there
     * @throws ClassCastException        if it is not a {@code type}
     */
    public <T> T argument(int index, Class<T> type) {
        Object a = arguments.get(index);
        if (a instanceof Optional<?> o && o.isEmpty() && type != Optional.class) {
            throw new IllegalStateException("argument " + index + " of " + capability.handleType().getSimpleName() + "." + method
                    + " was null");
        }
        return type.cast(a);
    }

    @Override
    public String toString() {
        return plugin + " -> " + capability.handleType().getSimpleName() + "." + method + arguments
                + failure.map(f -> " threw " + f).orElse(result.map(r -> " = " + r).orElse(""));
    }
}
