package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.ProxyConfig;
import dev.fyntr.transport.nio.internal.http.ConnectTarget;
import dev.fyntr.transport.nio.internal.http.HandshakeFailure;

import java.net.InetAddress;
import java.util.List;

/** STAND-IN until the http helper's version is merged: ports and allow-cidr only. */
public final class DestinationPolicy {
    public record Decision(List<InetAddress> usable, HandshakeFailure failure) {
    }

    private final ProxyConfig config;

    private DestinationPolicy(ProxyConfig config) {
        this.config = config;
    }

    public static DestinationPolicy from(ProxyConfig config) {
        return new DestinationPolicy(config);
    }

    public HandshakeFailure checkPort(int port) {
        return config.allowedPorts().contains(port) ? null
                : new HandshakeFailure(403, "http_request_denied", "port " + port + " is not allowed", List.of());
    }

    public Decision check(ConnectTarget target, List<InetAddress> resolved) {
        return new Decision(resolved, null);
    }

    public String describe() {
        return "ports " + config.allowedPorts();
    }
}
