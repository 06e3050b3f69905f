package com.example.citation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.PluginTest;
import dev.stigmem.testkit.TestNode;
import org.junit.jupiter.api.Test;

/** The same plugin without naming its library: the testkit finds it by what the plugin's classes use. */
@PluginTest
class CitationPluginFoundLibraryTest {

    @Test
    void theLibraryIsFoundAndBundled(TestNode node, PluginArchive archive) {
        assertTrue(archive.path().getFileName().toString().endsWith("-with-libraries.zip"), archive.path().toString());
        assertEquals(2, archive.scan().report().jars().size());
        Fact f = node.assertFact("alice", FactDraft.of("tea", "is", "a drink", "default").withAttribute("source", "OED").withAttribute("year", "2026"));
        assertEquals("[OED, 2026]", f.attributes().get("citation"));
    }
}
