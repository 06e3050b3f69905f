package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.FederationReader;
import dev.stigmem.api.core.FederationWriter;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.RecallReader;
import dev.stigmem.api.core.RecallWriter;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.core.TenantWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The capability map read from {@code PluginContext}'s class file equals the one reflection over
 * its annotations gives, and every rule of the derivation trips on an interface that breaks it.
 */
class CapabilityDerivationTests {

    // --- the reflective derivation the class-file reader replaced, kept here as the oracle ---

    static CapabilityAccessors.Derivation reflectiveDerivation(Class<?> context) {
        Map<Capability, Method> accessors = new EnumMap<>(Capability.class);
        Map<Capability, Class<?>> handles = new EnumMap<>(Capability.class);
        Map<Class<?>, Capability> byHandle = new HashMap<>();
        Map<String, Capability> byName = new HashMap<>();
        Method[] methods = context.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            Gated gated = m.getAnnotation(Gated.class);
            if (gated == null) {
                continue;
            }
            Capability c = gated.value();
            Type t = m.getGenericReturnType();
            if (!(t instanceof ParameterizedType p && p.getRawType() == Optional.class
                    && p.getActualTypeArguments()[0] instanceof Class<?> h && h.isInterface())) {
                throw new IllegalStateException("gated accessor " + m.getName() + " must return Optional<handle interface>, not " + t);
            }
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                throw new IllegalStateException("gated accessor " + m.getName() + " must be an instance method without parameters");
            }
            if (accessors.putIfAbsent(c, m) != null) {
                throw new IllegalStateException("capability '" + c.id() + "' gates two accessors");
            }
            if (byHandle.putIfAbsent(h, c) != null) {
                throw new IllegalStateException("handle type " + h.getName() + " is returned by two gated accessors");
            }
            handles.put(c, h);
            byName.put(m.getName(), c);
        }
        for (Capability c : Capability.values()) {
            if (!accessors.containsKey(c)) {
                throw new IllegalStateException("capability '" + c.id() + "' gates no accessor");
            }
        }
        return new CapabilityAccessors.Derivation(accessors, handles, byHandle, byName);
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void theCapabilityMapIsWhatReflectionOverTheAnnotationsGives(Capability c) {
        CapabilityAccessors.Derivation reflective = reflectiveDerivation(PluginContext.class);
        assertThat(c.accessor()).isEqualTo(reflective.accessors().get(c));
        assertThat(c.accessor().getAnnotation(Gated.class).value()).isSameAs(c);
        assertThat(c.accessorName()).isEqualTo(reflective.accessors().get(c).getName());
        assertThat(c.handleType()).isSameAs(reflective.handles().get(c))
                .isSameAs(((ParameterizedType) c.accessor().getGenericReturnType()).getActualTypeArguments()[0]);
        assertThat(Capability.forHandleType(c.handleType())).contains(c);
        assertThat(Capability.forAccessorName(c.accessorName())).contains(c);
    }

    @Test
    void theWholeDerivationEqualsTheReflectiveOne() {
        assertThat(CapabilityAccessors.derive(PluginContext.class)).isEqualTo(reflectiveDerivation(PluginContext.class));
        // Other annotations (nested, arrays, enums, classes, long and double constants), ungated
        // methods and a name beyond ASCII are read past or decoded as reflection reads them.
        assertThat(CapabilityAccessors.derive(AmongOtherAnnotations.class)).isEqualTo(reflectiveDerivation(AmongOtherAnnotations.class));
        assertThat(CapabilityAccessors.derive(AmongOtherAnnotations.class).byName()).containsEntry("getFäctsReader", Capability.FACTS_READ);
    }

    // --- each rule trips ---

    interface TwoAccessorsForOneCapability {
        @Gated(Capability.FACTS_READ)
        Optional<FactsReader> getFactsReader();

        @Gated(Capability.FACTS_READ)
        Optional<FactsWriter> getFactsWriter();
    }

    interface OneHandleForTwoCapabilities {
        @Gated(Capability.FACTS_READ)
        Optional<FactsReader> getFactsReader();

        @Gated(Capability.FACTS_WRITE)
        Optional<FactsReader> getFactsWriter();
    }

    interface NotOptional {
        @Gated(Capability.FACTS_READ)
        FactsReader getFactsReader();
    }

    interface RawOptional {
        @SuppressWarnings("rawtypes")
        @Gated(Capability.FACTS_READ)
        Optional getFactsReader();
    }

    interface OptionalOfWildcard {
        @Gated(Capability.FACTS_READ)
        Optional<? extends FactsReader> getFactsReader();
    }

    interface OptionalOfClass {
        @Gated(Capability.FACTS_READ)
        Optional<String> getFactsReader();
    }

    interface OptionalOfGenericInterface {
        @Gated(Capability.FACTS_READ)
        Optional<List<FactsReader>> getFactsReader();
    }

    interface OptionalOfTypeVariable {
        @Gated(Capability.FACTS_READ)
        <T extends FactsReader> Optional<T> getFactsReader();
    }

    interface WithParameter {
        @Gated(Capability.FACTS_READ)
        Optional<FactsReader> getFactsReader(String tenant);
    }

    interface Static {
        @Gated(Capability.FACTS_READ)
        static Optional<FactsReader> getFactsReader() {
            return Optional.empty();
        }
    }

    interface Private {
        @Gated(Capability.FACTS_READ)
        private Optional<FactsReader> getFactsReader() {
            return Optional.empty();
        }
    }

    interface OnlyOne {
        @Gated(Capability.FACTS_READ)
        Optional<FactsReader> getFactsReader();
    }

    interface Extending extends OnlyOne {
    }

    @Test
    void twoAccessorsForOneCapability() {
        assertRejected(TwoAccessorsForOneCapability.class, "capability 'facts.read' gates two accessors: getFactsReader and getFactsWriter");
    }

    @Test
    void oneHandleTypeForTwoCapabilities() {
        assertRejected(OneHandleForTwoCapabilities.class,
                "handle type dev.stigmem.api.core.FactsReader is returned by two gated accessors");
    }

    @Test
    void aCapabilityWithoutAccessor() {
        assertRejected(OnlyOne.class, "capability 'facts.write' gates no accessor of " + OnlyOne.class.getName());
    }

    @Test
    void aReturnTypeOtherThanOptionalOfANamedInterface() {
        String prefix = "gated accessor getFactsReader of %s must return Optional<handle interface>, not ";
        assertRejected(NotOptional.class, prefix.formatted(NotOptional.class.getName()) + "()Ldev/stigmem/api/core/FactsReader;");
        assertRejected(RawOptional.class, prefix.formatted(RawOptional.class.getName()) + "()Ljava/util/Optional;");
        assertRejected(OptionalOfWildcard.class,
                prefix.formatted(OptionalOfWildcard.class.getName()) + "()Ljava/util/Optional<+Ldev/stigmem/api/core/FactsReader;>;");
        assertRejected(OptionalOfClass.class, prefix.formatted(OptionalOfClass.class.getName()) + "()Ljava/util/Optional<Ljava/lang/String;>;");
        assertRejected(OptionalOfGenericInterface.class, prefix.formatted(OptionalOfGenericInterface.class.getName())
                + "()Ljava/util/Optional<Ljava/util/List<Ldev/stigmem/api/core/FactsReader;>;>;");
        assertRejected(OptionalOfTypeVariable.class, prefix.formatted(OptionalOfTypeVariable.class.getName())
                + "<T::Ldev/stigmem/api/core/FactsReader;>()Ljava/util/Optional<TT;>;");
    }

    @Test
    void aParameterAStaticOrAPrivateAccessor() {
        for (Class<?> c : List.of(WithParameter.class, Static.class, Private.class)) {
            assertRejected(c, "gated accessor getFactsReader of " + c.getName() + " must be a public instance method without parameters");
        }
    }

    @Test
    void anInheritedAccessorWouldBeMissedSoExtendingIsRefused() {
        assertThatThrownBy(() -> CapabilityAccessors.derive(Extending.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(Extending.class.getName() + " must extend no interface");
    }

    /** The reflective oracle refuses the same interface: the two derivations agree on what is broken too. */
    private static void assertRejected(Class<?> context, String message) {
        assertThatThrownBy(() -> CapabilityAccessors.derive(context)).isInstanceOf(IllegalStateException.class).hasMessage(message);
        assertThatThrownBy(() -> reflectiveDerivation(context)).isInstanceOf(IllegalStateException.class);
    }

    // --- the class-file reader is strict ---

    private static byte[] contextClassFile() throws IOException {
        try (InputStream in = PluginContext.class.getResourceAsStream("PluginContext.class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theContextsClassFileDeclaresTheThirteenAccessorsInSourceOrder() throws IOException {
        GatedDeclarations.ClassFile read = GatedDeclarations.read(contextClassFile(), "PluginContext.class");
        assertThat(read.internalName()).isEqualTo("dev/stigmem/api/PluginContext");
        assertThat(read.declarations()).extracting(GatedDeclarations.Declaration::capability).containsExactly(Capability.values());
        assertThat(read.declarations().get(0)).isEqualTo(new GatedDeclarations.Declaration("getFactsReader", "()Ljava/util/Optional;",
                GatedDeclarations.ACC_PUBLIC | Modifier.ABSTRACT, Capability.FACTS_READ,
                Optional.of("()Ljava/util/Optional<Ldev/stigmem/api/core/FactsReader;>;")));
    }

    @Test
    void everyTruncationIsAnErrorNamingTheFile() throws IOException {
        byte[] whole = contextClassFile();
        for (int n = 0; n < whole.length; n++) {
            byte[] prefix = Arrays.copyOf(whole, n);
            assertThatThrownBy(() -> GatedDeclarations.read(prefix, "PluginContext.class")).as("first %d bytes", n)
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("PluginContext.class: ");
        }
    }

    @Test
    void trailingBytesABadMagicAnUnknownConstantAndAnOversizeFileAreRefused() throws IOException {
        byte[] whole = contextClassFile();
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> GatedDeclarations.read(longer, "X.class")).hasMessage("X.class: 1 bytes after the last attribute");
        byte[] magic = whole.clone();
        magic[0] = 0;
        assertThatThrownBy(() -> GatedDeclarations.read(magic, "X.class")).hasMessage("X.class: not a class file (bad magic number)");
        byte[] tag = whole.clone();
        tag[10] = 2; // the first constant's tag: 2 is no tag of any class-file version
        assertThatThrownBy(() -> GatedDeclarations.read(tag, "X.class")).hasMessage("X.class: unknown constant pool tag 2 at entry 1");
        byte[] huge = Arrays.copyOf(whole, GatedDeclarations.MAX_BYTES + 1);
        assertThatThrownBy(() -> GatedDeclarations.read(huge, "X.class"))
                .hasMessage("X.class: class file of more than " + GatedDeclarations.MAX_BYTES + " bytes refused");
    }

    /** The class file with one Utf8 constant, found exactly once, replaced by another of the same length. */
    private static byte[] withConstant(String from, String to) throws IOException {
        byte[] whole = contextClassFile();
        byte[] needle = utf8Entry(from);
        int found = -1;
        for (int i = 0; i + needle.length <= whole.length; i++) {
            if (Arrays.equals(whole, i, i + needle.length, needle, 0, needle.length)) {
                assertThat(found).as("%s once in PluginContext.class", from).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as("%s in PluginContext.class", from).isNotNegative();
        byte[] replacement = utf8Entry(to);
        System.arraycopy(replacement, 0, whole, found, replacement.length);
        return whole;
    }

    private static byte[] utf8Entry(String ascii) {
        byte[] b = new byte[3 + ascii.length()];
        b[0] = 1;
        b[2] = (byte) ascii.length();
        System.arraycopy(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 3, ascii.length());
        return b;
    }

    @Test
    void aGatedValueThatIsNoCapabilityOrNotOfItsTypeOrNotNamedValueIsRefused() throws IOException {
        assertThatThrownBy(() -> GatedDeclarations.read(withConstant("FACTS_READ", "FACTS_REAX"), "X.class"))
                .hasMessage("X.class: method getFactsReader: @Gated names FACTS_REAX, which is no Capability");
        assertThatThrownBy(() -> GatedDeclarations.read(withConstant("Ldev/stigmem/api/Capability;", "Ldev/stigmem/api/Capabilitx;"), "X.class"))
                .hasMessage("X.class: method getFactsReader: @Gated names a constant of Ldev/stigmem/api/Capabilitx;, not of Ldev/stigmem/api/Capability;");
        assertThatThrownBy(() -> GatedDeclarations.read(withConstant("value", "valuf"), "X.class"))
                .hasMessage("X.class: method getFactsReader: @Gated must have exactly its enum value");
        // An annotation of another type is read past: the method is then not gated.
        GatedDeclarations.ClassFile renamed = GatedDeclarations.read(withConstant("Ldev/stigmem/api/Gated;", "Ldev/stigmem/api/Gatex;"), "X.class");
        assertThat(renamed.declarations()).isEmpty();
    }

    @Test
    void aClassFileOfAnotherClassIsRefused() throws IOException {
        assertThat(GatedDeclarations.of(PluginContext.class, contextClassFile(), "PluginContext.class").declarations()).hasSize(13);
        assertThatThrownBy(() -> GatedDeclarations.of(OnlyOne.class, contextClassFile(), "PluginContext.class"))
                .hasMessage("PluginContext.class: declares dev/stigmem/api/PluginContext, not " + OnlyOne.class.getName().replace('.', '/'));
    }

    // --- a complete context among other annotations ---

    @Retention(RetentionPolicy.RUNTIME)
    @interface Noise {
        int[] numbers() default {};

        String text() default "";

        Class<?> type() default Object.class;

        Impact impact() default Impact.READ_ORIENTED;

        Deprecated[] nested() default {};

        long big() default 0;

        double real() default 0;
    }

    interface AmongOtherAnnotations {
        @Noise(numbers = {1, 2, 3}, text = "größe", type = String[].class, impact = Impact.SENSITIVE,
                nested = {@Deprecated(since = "1"), @Deprecated(forRemoval = true)}, big = 1L << 40, real = 2.5)
        String pluginName();

        @Noise(big = 1L << 41)
        @Gated(Capability.FACTS_READ)
        @Deprecated
        Optional<FactsReader> getFäctsReader();

        @Gated(Capability.FACTS_WRITE)
        @Noise(real = -1.5)
        Optional<FactsWriter> getFactsWriter();

        @Gated(Capability.RECALL_READ)
        Optional<RecallReader> getRecallReader();

        @Gated(Capability.RECALL_WRITE)
        Optional<RecallWriter> getRecallWriter();

        @Gated(Capability.AUDIT_EMIT)
        Optional<AuditEmitter> getAuditEmitter();

        @Gated(Capability.AUDIT_READ)
        Optional<AuditReader> getAuditReader();

        @Gated(Capability.FEDERATION_READ)
        Optional<FederationReader> getFederationReader();

        @Gated(Capability.FEDERATION_WRITE)
        Optional<FederationWriter> getFederationWriter();

        @Gated(Capability.IDENTITY_READ)
        Optional<IdentityReader> getIdentityReader();

        @Gated(Capability.TENANT_READ)
        Optional<TenantReader> getTenantReader();

        @Gated(Capability.TENANT_WRITE)
        Optional<TenantWriter> getTenantWriter();

        @Gated(Capability.CONFIG_READ)
        Optional<ConfigReader> getConfigReader();

        @Noise(nested = @Deprecated(since = "ü"))
        Optional<String> unrelated(int a, long b);

        @Gated(Capability.NETWORK_OUTBOUND)
        Optional<NetworkOutbound> getNetworkOutbound();
    }
}
