package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CapabilityTests {

    @Test
    void theThirteenIdsOfTheCapabilityReferenceInItsOrder() {
        assertThat(Capability.knownIds()).containsExactly(
                "facts.read", "facts.write", "recall.read", "recall.write", "audit.emit", "audit.read",
                "federation.read", "federation.write", "identity.read", "tenant.read", "tenant.write",
                "config.read", "network.outbound");
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void accessorIsTheGatedContextMethodNamedAfterTheHandle(Capability c) {
        Method accessor = c.accessor();
        assertThat(accessor.getDeclaringClass()).isEqualTo(PluginContext.class);
        assertThat(accessor.getAnnotation(Gated.class).value()).isEqualTo(c);
        assertThat(accessor.getReturnType()).isEqualTo(Optional.class);
        // Naming convention of SPEC: getFactsReader() returns Optional<FactsReader>.
        assertThat(c.accessorName()).isEqualTo("get" + c.handleType().getSimpleName());
        assertThat(c.handleType()).isInterface();
        assertThat(c.handleType().getPackageName()).isEqualTo("dev.stigmem.api.core");
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void lookupsInvertTheDerivedMap(Capability c) {
        assertThat(Capability.of(c.id())).isSameAs(c);
        assertThat(Capability.forAccessorName(c.accessorName())).contains(c);
        assertThat(Capability.forHandleType(c.handleType())).contains(c);
    }

    @Test
    void everyGatedAccessorOfTheContextBelongsToExactlyOneCapability() {
        Set<String> gated = Arrays.stream(PluginContext.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Gated.class))
                .map(Method::getName)
                .collect(Collectors.toSet());
        Set<String> derived = new HashSet<>();
        for (Capability c : Capability.values()) {
            derived.add(c.accessorName());
        }
        assertThat(gated).isEqualTo(derived).hasSize(Capability.values().length);
    }

    @Test
    void everyContextMethodReturningAHandleIsGated() {
        // An ungated accessor would hand out a core API without any capability check.
        for (Method m : PluginContext.class.getMethods()) {
            if (m.getReturnType() == Optional.class) {
                assertThat(m.getAnnotation(Gated.class)).as("@Gated on %s", m.getName()).isNotNull();
            }
        }
    }

    @Test
    void unknownIdIsRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> Capability.of("facts.delete"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown capability 'facts.delete'; known capabilities: " + String.join(", ", Capability.knownIds()));
        assertThat(Capability.lookup("FACTS.READ")).isEmpty();
        assertThat(Capability.forAccessorName("pluginName")).isEmpty();
        assertThat(Capability.forHandleType(String.class)).isEmpty();
    }

    @Test
    void impactFollowsTheReferenceLabels() {
        for (Capability c : Capability.values()) {
            String guidance = c.reviewGuidance();
            if (guidance.contains("High impact.")) {
                assertThat(c.impact()).as(c.id()).isEqualTo(Impact.HIGH_IMPACT);
            } else if (guidance.contains("Sensitive.")) {
                assertThat(c.impact()).as(c.id()).isEqualTo(Impact.SENSITIVE);
            } else {
                assertThat(c.impact()).as(c.id()).isEqualTo(Impact.READ_ORIENTED);
            }
        }
    }

    @Test
    void toStringIsTheId() {
        assertThat(Capability.NETWORK_OUTBOUND).hasToString("network.outbound");
    }
}
