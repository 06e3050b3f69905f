/**
 * Example plugin: webhook notifications. Reads only the api; the network goes through the node's
 * NetworkOutbound handle, never through java.net sockets.
 */
module com.example.webhook {
    // The plugin API, all this plugin compiles against.
    requires dev.stigmem.api;

    provides dev.stigmem.api.Plugin with com.example.webhook.WebhookPlugin;
}
