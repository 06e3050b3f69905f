package dev.stigmem.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tests a plugin as the node runs it. Test methods (and constructors, lifecycle methods) declare
 * parameters of type {@link TestNode} (a node started for each test method and closed after it,
 * with the plugin under test loaded through the real loader) or {@link PluginArchive} (the packed
 * archive, for scan assertions; one per test class).
 *
 * <pre>{@code
 * @PluginTest(config = "tombstones.reason-required=true")
 * class TombstonesPluginTest {
 *     @Test
 *     void deniesFactsAboutAForgottenSubject(TestNode node) {
 *         node.assertFact("dpo", FactDraft.of("alice", "stigmem:forget", "gdpr-17", "default"));
 *         node.vote(Hook.PRE_ASSERT_AUTHORIZE, new AssertRequest("bob", FactDraft.of("alice", "likes", "tea", "default")))
 *             .assertDenied("forgotten");
 *     }
 *
 *     @Test
 *     void declaresOnlyWhatItUses(PluginArchive archive) {
 *         archive.scan().assertAccepted().assertLeastPrivilege();
 *     }
 * }
 * }</pre>
 *
 * Paths are relative to the working directory, which Maven sets to the project's directory.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PluginTestExtension.class)
public @interface PluginTest {

    /** The plugin's build output: a classes directory (packed into a jar), a jar, a zip of jars or a directory of jars. */
    String value() default "target/classes";

    /**
     * Private libraries to bundle with the plugin: jar file-name prefixes found on the test class
     * path or module path. Empty (the default): the jars of the test path that the plugin's classes
     * reference, and those they reference in turn, are found and bundled (never the JDK or Stigmem's
     * own artifacts); name them here when that finds too many or too few.
     */
    String[] libraries() default {};

    /** Other plugin archives to load with it (its {@code dependsOn}, or plugins it works with), as paths. */
    String[] alongside() default {};

    /** Node configuration served by {@code config.read}, as {@code key=value} entries. */
    String[] config() default {};

    /** Capability ids whose core API the test node does not provide (the accessor returns {@code Optional.empty()}). */
    String[] withoutCoreApis() default {};

    /**
     * Capability ids the plugin declares but the runtime gate refuses it: its accessor throws
     * {@code CapabilityError}, audited as {@code capability.denied}.
     */
    String[] revoke() default {};

    /** A trust policy file; empty for development mode (unsigned builds accepted, audited). */
    String trustPolicy() default "";

    /** A scan policy file extending the shipped policy; empty for the shipped policy alone. */
    String scanPolicy() default "";
}
