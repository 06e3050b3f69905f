package dev.stigmem.node.internal.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.OutboundRequest;
import dev.stigmem.api.core.OutboundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AllowlistedHttpOutboundTests {

    /** Serves one canned HTTP response on loopback and returns the request head it read. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, String response) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    head.append((char) c);
                }
                OutputStream out = s.getOutputStream();
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return head.toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void allowlistedDestinationIsReachedAndRedirectsAreNotFollowed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI base = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook");
            AllowlistedHttpOutbound net = new AllowlistedHttpOutbound(Set.of(AllowlistedHttpOutbound.origin(base)), Duration.ofSeconds(5));

            CompletableFuture<String> head = serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            OutboundResponse r = net.send(OutboundRequest.post(base, "text/plain", "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)));
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
            assertThat(head.get()).startsWith("POST /hook HTTP/1.1");

            serveOnce(server, "HTTP/1.1 302 Found\r\nLocation: http://192.0.2.1/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(net.send(OutboundRequest.post(base, "text/plain", new byte[0], Duration.ofSeconds(5))).status()).isEqualTo(302);
        }
    }

    @Test
    void destinationOffTheAllowlistIsRefusedBeforeAnyConnection() {
        AllowlistedHttpOutbound net = new AllowlistedHttpOutbound(Set.of("https://hooks.example:443"), Duration.ofSeconds(1));
        assertThatThrownBy(() -> net.send(OutboundRequest.post(URI.create("https://evil.example/x"), "text/plain", new byte[0], Duration.ofSeconds(1))))
                .isInstanceOf(SecurityException.class).hasMessageStartingWith("destination https://evil.example/x is not on the node's outbound allowlist");
        // Same host, other port: a different origin.
        assertThatThrownBy(() -> net.send(OutboundRequest.post(URI.create("https://hooks.example:8443/x"), "text/plain", new byte[0], Duration.ofSeconds(1))))
                .isInstanceOf(SecurityException.class);
        // Credentials in the URI are refused too.
        assertThatThrownBy(() -> net.send(OutboundRequest.post(URI.create("https://user@hooks.example/x"), "text/plain", new byte[0], Duration.ofSeconds(1))))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void originsAreNormalised() {
        assertThat(AllowlistedHttpOutbound.origin(URI.create("HTTPS://Hooks.Example/x"))).isEqualTo("https://hooks.example:443");
        assertThat(AllowlistedHttpOutbound.origin(URI.create("http://a.example:8080/"))).isEqualTo("http://a.example:8080");
    }
}
