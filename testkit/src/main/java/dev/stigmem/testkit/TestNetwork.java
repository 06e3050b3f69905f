package dev.stigmem.testkit;

import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.OutboundResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opentest4j.AssertionFailedError;

/**
 * The network a {@link TestNode} gives plugins holding {@code network.outbound}: nothing leaves the
 * JVM. Responses are set per URL prefix; the origins of those prefixes are the node's allowlist,
 * so a request elsewhere gets the {@link SecurityException} a real node's allowlist throws. Every
 * request is recorded. Thread-safe.
 */
public final class TestNetwork implements NetworkOutbound {
    // What a URL prefix answers: a response, or an I/O failure.
    private record Answer(OutboundResponse response, String failure) {
    }

    // Longest prefix first, so a specific path overrides its origin.
    private final Map<String, Answer> answers = new ConcurrentSkipListMap<>(
            (a, b) -> a.length() != b.length() ? Integer.compare(b.length(), a.length()) : a.compareTo(b));
    private final List<OutboundRequest> requests = new CopyOnWriteArrayList<>();

    TestNetwork() {
    }

    /** Answers requests whose URL starts with {@code urlPrefix} with this status and UTF-8 body. */
    public TestNetwork respond(String urlPrefix, int status, String body) {
        origin(urlPrefix);
        answers.put(urlPrefix, new Answer(new OutboundResponse(status, Map.of(), body.getBytes(StandardCharsets.UTF_8)), null));
        return this;
    }

    /** Makes requests whose URL starts with {@code urlPrefix} fail with an {@link IOException} (a time-out, a reset). */
    public TestNetwork failWith(String urlPrefix, String message) {
        origin(urlPrefix);
        answers.put(urlPrefix, new Answer(null, Objects.requireNonNull(message, "message")));
        return this;
    }

    @Override
    public OutboundResponse send(OutboundRequest request) throws IOException {
        requests.add(request);
        URI url = request.destination();
        // Matched as the node's allowlist matches: by parsed origin (scheme, host, port; userinfo
        // and look-alike hosts do not pass), then by path prefix within it.
        String origin = origin(url.toString());
        String path = pathOf(url);
        boolean allowed = false;
        for (Map.Entry<String, Answer> e : answers.entrySet()) {
            URI prefix = URI.create(e.getKey());
            if (!origin(e.getKey()).equals(origin)) {
                continue;
            }
            allowed = true;
            if (path.startsWith(pathOf(prefix))) {
                if (e.getValue().failure() != null) {
                    throw new IOException(e.getValue().failure());
                }
                return e.getValue().response();
            }
        }
        if (!allowed) {
            throw new SecurityException("destination " + origin + " is not on the node's outbound allowlist"
                    + " (in a test: node.network().respond(\"" + origin + "/...\", 200, \"...\"))");
        }
        return new OutboundResponse(404, Map.of(), new byte[0]);
    }

    private static String pathOf(URI u) {
        String p = u.getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    /** Every request plugins sent, oldest first, including refused ones. */
    public List<OutboundRequest> requests() {
        return List.copyOf(requests);
    }

    /** Asserts a request with this method to a URL starting with {@code urlPrefix}; returns the first. */
    public OutboundRequest assertRequested(String method, String urlPrefix) {
        return requests.stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && r.destination().toString().startsWith(urlPrefix))
                .findFirst()
                .orElseThrow(() -> new AssertionFailedError("expected a " + method + " request to " + urlPrefix + "..., requests were: "
                        + requests.stream().map(r -> r.method() + " " + r.destination()).toList()));
    }

    /** Asserts no request was sent. */
    public TestNetwork assertNoRequests() {
        if (!requests.isEmpty()) {
            throw new AssertionFailedError("expected no outbound request, but: "
                    + requests.stream().map(r -> r.method() + " " + r.destination()).toList());
        }
        return this;
    }

    /** A request body as UTF-8 text. */
    public static String bodyText(OutboundRequest request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }

    private static String origin(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        if (u.getScheme() == null || u.getHost() == null
                || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + url);
        }
        int port = u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }
}
