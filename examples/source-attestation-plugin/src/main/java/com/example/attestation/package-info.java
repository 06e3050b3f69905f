/**
 * Source attestation as a plugin: every fact names where it came from, and facts exchanged with
 * peers travel in HMAC-signed batches. See {@link com.example.attestation.SourceAttestationPlugin}.
 */
package com.example.attestation;
