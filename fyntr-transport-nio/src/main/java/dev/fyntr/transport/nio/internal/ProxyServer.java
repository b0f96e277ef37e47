package dev.fyntr.transport.nio.internal;

import dev.fyntr.transport.nio.FyntrProxy;

import java.io.IOException;

/** Placeholder until the event loop lands. */
public final class ProxyServer {
    private ProxyServer() {
    }

    public static FyntrProxy start(ProxyConfig config) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
