/**
 * Example plugin: source attestation. Reads only the api (HMAC comes from javax.crypto in
 * java.base, which every module reads); publishes its entry class as a service.
 */
module com.example.attestation {
    // The plugin API, all this plugin compiles against.
    requires dev.stigmem.api;

    provides dev.stigmem.api.Plugin with com.example.attestation.SourceAttestationPlugin;
}
