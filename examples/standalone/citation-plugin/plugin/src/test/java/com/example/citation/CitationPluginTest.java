package com.example.citation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The plugin with its private library, bundled as the node takes it: a zip of both jars. */
@PluginTest(libraries = "citation-format")
class CitationPluginTest {

    @Test
    void citesTheSourceWithTheBundledLibrary(TestNode node) {
        Fact f = node.assertFact("alice", FactDraft.of("tea", "is", "a drink", "default")
                .withAttribute("source", "  Oxford English Dictionary ").withAttribute("year", "2026"));
        assertEquals("[Oxford English Dictionary, 2026]", f.attributes().get("citation"));
    }

    @Test
    void leavesFactsWithoutASourceAlone(TestNode node) {
        Fact f = node.assertFact("alice", FactDraft.of("tea", "is", "a drink", "default"));
        assertFalse(f.attributes().containsKey("citation"));
    }

    @Test
    void theNodeLoadedItsOwnCopiesOfBothModules(TestNode node, PluginArchive archive) {
        assertTrue(archive.path().getFileName().toString().endsWith("-with-libraries.zip"), archive.path().toString());
        // Surefire put both modules in the test JVM's boot layer; the node runs its own copies beside them.
        assertTrue(ModuleLayer.boot().findModule("com.example.citation").isPresent());
        assertTrue(ModuleLayer.boot().findModule("com.example.citation.format").isPresent());
        assertEquals(java.util.List.of("citation"), node.plugins().stream().map(p -> p.name()).toList());
    }

    @Test
    void needsNoCapabilityAndTheLibraryPassesTheScanToo(PluginArchive archive) {
        archive.scan().assertAccepted().assertLeastPrivilege().assertUses();
        assertEquals(2, archive.scan().report().jars().size());
    }
}
