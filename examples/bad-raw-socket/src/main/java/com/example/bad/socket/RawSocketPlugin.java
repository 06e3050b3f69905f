package com.example.bad.socket;

import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.StigmemPlugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;

/** Opens a raw socket instead of asking for network.outbound: the pre-scan must deny it. */
@StigmemPlugin(name = "raw-socket", version = "1.0.0", requires = ">=0.9.0")
public final class RawSocketPlugin implements Plugin {
    @Override
    public void start(PluginContext context) {
        try (Socket s = new Socket("example.com", 80)) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
