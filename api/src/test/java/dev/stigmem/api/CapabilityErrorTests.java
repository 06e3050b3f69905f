package dev.stigmem.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CapabilityErrorTests {

    @ParameterizedTest
    @EnumSource(Capability.class)
    void messageHasTheShapeOfTheReference(Capability c) {
        CapabilityError e = new CapabilityError("example-plugin", c);
        assertThat(e).isInstanceOf(SecurityException.class)
                .hasMessage("plugin 'example-plugin' cannot call " + c.accessorName()
                        + ": capability '" + c.id() + "' not declared");
        assertThat(e.pluginName()).isEqualTo("example-plugin");
        assertThat(e.accessorName()).isEqualTo(c.accessorName());
        assertThat(e.capability()).isSameAs(c);
        assertThat(e.capabilityId()).isEqualTo(c.id());
    }

    @ParameterizedTest
    @EnumSource(value = Capability.class, names = "FACTS_READ")
    void exactReferenceExample(Capability c) {
        assertThat(new CapabilityError("example-plugin", c))
                .hasMessage("plugin 'example-plugin' cannot call getFactsReader: capability 'facts.read' not declared");
    }
}
