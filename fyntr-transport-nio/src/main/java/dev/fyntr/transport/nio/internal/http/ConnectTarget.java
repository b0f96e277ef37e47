package dev.fyntr.transport.nio.internal.http;

import java.net.InetAddress;

/** STAND-IN until the http helper's version is merged. */
public record ConnectTarget(String host, int port, InetAddress literal) {
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
