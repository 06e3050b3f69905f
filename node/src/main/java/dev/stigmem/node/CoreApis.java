package dev.stigmem.node;

import dev.stigmem.api.Capability;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The core API handles a node provides to plugins, one per capability at most.
 *
 * <p>Keyed by handle type ({@code FactsReader.class}, ...); which capability a handle type belongs
 * to is read from the api ({@link Capability#forHandleType}), so this class keeps no table of its
 * own. A capability without a handle is "not provided": a plugin that declared it gets
 * {@link Optional#empty()}.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * CoreApis apis = CoreApis.builder()
 *         .provide(FactsReader.class, myFactsReader)
 *         .provide(AuditEmitter.class, myAuditEmitter)
 *         .build();
 * }</pre>
 */
public final class CoreApis {
    private static final CoreApis NONE = new CoreApis(new Optional<?>[Capability.values().length]);

    // Indexed by Capability.ordinal(); never null after construction.
    private final Optional<?>[] handles;

    private CoreApis(Optional<?>[] handles) {
        for (int i = 0; i < handles.length; i++) {
            if (handles[i] == null) {
                handles[i] = Optional.empty();
            }
        }
        this.handles = handles;
    }

    /** A node that provides no core API to plugins. */
    public static CoreApis none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handle for a capability, or empty when this node does not provide it. */
    public Optional<?> handle(Capability capability) {
        return handles[capability.ordinal()];
    }

    /** The handle of this type, or empty when not provided. */
    public <H> Optional<H> handle(Class<H> handleType) {
        return handle(capabilityOf(handleType)).map(handleType::cast);
    }

    /** The capabilities whose handle this node provides. */
    public Set<Capability> provided() {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (Capability c : Capability.values()) {
            if (handles[c.ordinal()].isPresent()) {
                out.add(c);
            }
        }
        return Set.copyOf(out);
    }

    /** The same handles less those of {@code withheld}: a node that does not provide those core APIs. */
    public CoreApis without(Set<Capability> withheld) {
        Optional<?>[] copy = handles.clone();
        for (Capability c : withheld) {
            copy[c.ordinal()] = Optional.empty();
        }
        return new CoreApis(copy);
    }

    private static Capability capabilityOf(Class<?> handleType) {
        return Capability.forHandleType(Objects.requireNonNull(handleType, "handleType"))
                .orElseThrow(() -> new IllegalArgumentException(handleType.getName()
                        + " is not a core API handle type; handle types are those returned by the gated accessors of PluginContext"));
    }

    /** Collects handles; rejects a handle type that is not a core API or that is given twice. */
    public static final class Builder {
        private final Optional<?>[] handles = new Optional<?>[Capability.values().length];

        private Builder() {
        }

        /**
         * Provides a handle.
         *
         * @throws IllegalArgumentException if {@code handleType} is not a core API handle type
         * @throws IllegalStateException    if a handle of this type was already provided
         */
        public <H> Builder provide(Class<H> handleType, H handle) {
            Capability c = capabilityOf(handleType);
            Objects.requireNonNull(handle, "handle");
            handleType.cast(handle);
            if (handles[c.ordinal()] != null) {
                throw new IllegalStateException("a " + handleType.getSimpleName() + " was already provided");
            }
            handles[c.ordinal()] = Optional.of(handle);
            return this;
        }

        public CoreApis build() {
            return new CoreApis(handles.clone());
        }
    }
}
