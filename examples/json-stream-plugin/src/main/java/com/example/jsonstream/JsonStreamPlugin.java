package com.example.jsonstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.PackageVersion;
import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertValidate;
import dev.stigmem.api.hook.Vote;
import java.io.IOException;

/**
 * Refuses a fact whose {@code payload} attribute is not well-formed JSON, or nests deeper than 8
 * levels, with Jackson's streaming parser: no tree is built and nothing is bound by reflection. The
 * plugin bundles jackson-core 2.21, whatever Jackson the node runs on (its health names the version
 * its own layer loaded).
 */
@StigmemPlugin(name = "json-stream", version = "1.0.0", requires = ">=0.9.0")
public final class JsonStreamPlugin implements Plugin, PreAssertValidate {
    private final JsonFactory json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(10_000).build())
            .build();

    @Override
    public Vote preAssertValidate(PluginContext context, AssertRequest request) {
        String payload = request.draft().attributes().get("payload");
        if (payload == null) {
            return Vote.allow();
        }
        try (JsonParser p = json.createParser(payload)) {
            while (p.nextToken() != null) {
                // reading every token checks the syntax and the constraints
            }
            return Vote.allow();
        } catch (JsonProcessingException e) {
            return Vote.deny("payload is not acceptable JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return Vote.deny("payload is not acceptable JSON: " + e.getMessage());
        }
    }

    @Override
    public Health health() {
        return Health.degraded("jackson-core " + PackageVersion.VERSION);
    }
}
