package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactsReader;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreApisTests {

    private final AuditEmitter emitter = (action, attributes) -> new AuditEvent(1, Instant.EPOCH, "node", action, attributes);

    @Test
    void providedHandlesAreFoundByTypeAndCapability() {
        CoreApis apis = CoreApis.builder().provide(AuditEmitter.class, emitter).build();
        assertThat(apis.handle(AuditEmitter.class)).containsSame(emitter);
        assertThat(apis.handle(Capability.AUDIT_EMIT).orElseThrow()).isSameAs(emitter);
        assertThat(apis.handle(FactsReader.class)).isEmpty();
        assertThat(apis.provided()).containsExactly(Capability.AUDIT_EMIT);
        assertThat(CoreApis.none().provided()).isEmpty();
        assertThat(apis.handle(AuditEmitter.class).orElseThrow().emit("x", Map.of()).action()).isEqualTo("x");
    }

    @Test
    void aTypeThatIsNotAHandleIsRejected() {
        assertThatThrownBy(() -> CoreApis.builder().provide(Runnable.class, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("java.lang.Runnable is not a core API handle type");
    }

    @Test
    void aHandleTypeGivenTwiceIsRejectedAtTheSecondCall() {
        CoreApis.Builder b = CoreApis.builder().provide(AuditEmitter.class, emitter);
        assertThatThrownBy(() -> b.provide(AuditEmitter.class, emitter))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a AuditEmitter was already provided");
    }

    @Test
    void builtApisDoNotChangeWhenTheBuilderDoes() {
        CoreApis.Builder b = CoreApis.builder();
        CoreApis before = b.build();
        b.provide(AuditEmitter.class, emitter);
        assertThat(before.provided()).isEmpty();
    }
}
