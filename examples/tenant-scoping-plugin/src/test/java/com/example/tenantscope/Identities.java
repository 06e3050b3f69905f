package com.example.tenantscope;

import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.testkit.TestNode;
import java.util.Map;
import java.util.Set;

/**
 * Seeds identities into a test node.
 *
 * <p>Stopgap: neither the testkit nor the node's public API can add an identity (the core APIs
 * have no identity writer, {@code identity.read} is read-only, and {@code TestNode.host()} offers
 * the same handles), although {@code TestNode.host()}'s javadoc promises it. Until the testkit
 * offers one, this reaches the embedded core's directory, which backs the host's
 * {@link IdentityReader}. Works only because this plain-jar test runs on the class path, where the
 * node's internal packages are not encapsulated.
 */
final class Identities {
    private Identities() {
    }

    static void put(TestNode node, String principal, Map<String, String> attributes) {
        IdentityReader reader = node.host().handle(IdentityReader.class).orElseThrow();
        ((dev.stigmem.node.internal.core.DirectoryState) reader)
                .putIdentity(new Identity(principal, principal, Set.of(), attributes));
    }
}
