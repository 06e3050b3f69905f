package com.example.contenthash;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.PreAssertTransform;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.codec.binary.Base32;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Stamps each fact with {@code content-sha256}, the hex SHA-256 of its subject, predicate and object
 * (unit-separator joined, so that "a|b" + "c" and "a" + "b|c" differ), and {@code content-id}, the
 * first 10 bytes of that hash in lower-case Base32: a stable id for deduplication across nodes.
 */
@StigmemPlugin(name = "content-hash", version = "1.0.0", requires = ">=0.9.0")
public final class ContentHashPlugin implements Plugin, PreAssertTransform {
    private static final char SEPARATOR = '\u001f';

    @Override
    public AssertRequest preAssertTransform(PluginContext context, AssertRequest request) {
        var d = request.draft();
        byte[] hash = DigestUtils.sha256((d.subject() + SEPARATOR + d.predicate() + SEPARATOR + d.object())
                .getBytes(StandardCharsets.UTF_8));
        String id = new Base32().encodeAsString(Arrays.copyOf(hash, 10)).toLowerCase(Locale.ROOT);
        return request.withDraft(d.withAttribute("content-sha256", org.apache.commons.codec.binary.Hex.encodeHexString(hash))
                .withAttribute("content-id", id));
    }
}
