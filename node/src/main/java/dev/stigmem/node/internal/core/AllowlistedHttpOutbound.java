package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.OutboundResponse;
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValues;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code network.outbound} for plugins: HTTP through the JDK client, only to allowlisted origins,
 * never following redirects (a redirect could leave the allowlist), with the node's time limit
 * capping the plugin's and a bound on the response body.
 */
public final class AllowlistedHttpOutbound implements NetworkOutbound {

    /** Largest response body handed to a plugin. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final HttpClient client;
    private final Set<String> allowedOrigins;
    private final Duration maxTimeout;

    /**
     * @param allowedOrigins origins a plugin may reach, as {@code scheme://host:port} (port always written)
     * @param maxTimeout     upper bound on any request's time limit
     */
    public AllowlistedHttpOutbound(Set<String> allowedOrigins, Duration maxTimeout) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.maxTimeout = maxTimeout;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(maxTimeout)
                .build();
    }

    /** The origin of a URI in allowlist form: {@code scheme://host:port}, lower case, default port written. */
    public static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    @Override
    public OutboundResponse send(OutboundRequest asked) throws IOException {
        // One copy (headers checked to be strings, body copied), checked and sent: nothing of the plugin's is read twice.
        OutboundRequest request = PluginValues.outboundRequest(java.util.Objects.requireNonNull(asked, "request"));
        URI dest = request.destination();
        if (dest.getHost() == null || dest.getRawUserInfo() != null || !allowedOrigins.contains(origin(dest))) {
            throw new SecurityException("destination " + PluginText.bounded(dest.toString()) + " is not on the node's outbound allowlist "
                    + new java.util.TreeSet<>(allowedOrigins));
        }
        Duration timeout = request.timeout().compareTo(maxTimeout) > 0 ? maxTimeout : request.timeout();
        HttpRequest.Builder b = HttpRequest.newBuilder(dest).timeout(timeout)
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(b::header);
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("response from " + PluginText.bounded(dest.toString()) + " is larger than " + MAX_BODY_BYTES + " bytes");
            }
            Map<String, String> headers = new TreeMap<>();
            r.headers().map().forEach((k, v) -> {
                if (!v.isEmpty()) {
                    headers.put(k, v.get(0));
                }
            });
            return new OutboundResponse(r.statusCode(), headers, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to " + PluginText.bounded(dest.toString()), e);
        }
    }

    /** The allowlist, sorted. */
    public List<String> allowedOrigins() {
        return allowedOrigins.stream().sorted().toList();
    }
}
