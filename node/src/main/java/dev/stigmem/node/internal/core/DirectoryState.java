package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.FederationReader;
import dev.stigmem.api.core.FederationWriter;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.Peer;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.core.TenantWriter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The node's identity, tenant and federation state, kept in sorted maps so every listing is in id
 * order. Thread-safe. Each method group backs one handle type.
 */
public final class DirectoryState implements IdentityReader, TenantReader, TenantWriter, FederationReader, FederationWriter {

    private final ConcurrentSkipListMap<String, Identity> identities = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Tenant> tenants = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Peer> peers = new ConcurrentSkipListMap<>();

    /** Adds or replaces an identity (node administration, not a plugin handle). */
    public void putIdentity(Identity identity) {
        identities.put(identity.principal(), identity);
    }

    @Override
    public Optional<Identity> lookup(String principal) {
        return Optional.ofNullable(identities.get(Objects.requireNonNull(principal, "principal")));
    }

    @Override
    public Optional<Tenant> tenant(String id) {
        return Optional.ofNullable(tenants.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public List<Tenant> tenants() {
        return List.copyOf(tenants.values());
    }

    @Override
    public void upsert(Tenant tenant) {
        tenants.put(tenant.id(), tenant);
    }

    @Override
    public boolean remove(String tenantId) {
        return tenants.remove(tenantId) != null;
    }

    @Override
    public List<Peer> peers() {
        return List.copyOf(peers.values());
    }

    @Override
    public Optional<Peer> peer(String id) {
        return Optional.ofNullable(peers.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public void upsertPeer(Peer peer) {
        peers.put(peer.id(), peer);
    }

    @Override
    public boolean removePeer(String peerId) {
        return peers.remove(peerId) != null;
    }
}
