package dev.stigmem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin under test meets the runtime JDK guard exactly as on a node: authors see the refusal in their tests. */
class RuntimeGuardTests {
    @TempDir
    Path project;

    @Test
    void aJdkCallThePreScanCannotSeeIsRefusedUnderTheTestkitAsOnANode() {
        PluginArchive sly = PluginArchive.fromBuildOutput(Fixtures.compile("sly-plugin", project));
        sly.scan().assertAccepted();
        try (TestNode node = TestNode.builder().plugin(sly).start()) {
            Fact f = node.host().handle(FactsWriter.class).orElseThrow().assertFact(FactDraft.of("bob", "likes", "tea", "default"));
            HookFailure failure = node.fire(Hook.POST_ASSERT_PERSIST, new FactEvent(f, "host")).assertFailed();
            assertThat(failure.detail()).contains("JdkAccessError")
                    .contains("plugin 'sly' cannot call java.security.Provider#put")
                    .contains("rule 'jvm.global'");
            node.audit().assertEmitted("plugin:sly", "jdk.denied", Map.of("rule", "jvm.global"));
        }
    }
}
