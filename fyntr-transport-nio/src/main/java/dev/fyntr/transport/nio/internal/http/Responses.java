package dev.fyntr.transport.nio.internal.http;

import java.nio.charset.StandardCharsets;

/** STAND-IN until the http helper's version is merged. */
public final class Responses {
    private Responses() {
    }

    public static byte[] established() {
        return "HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] error(HandshakeFailure f) {
        String body = f.message() + "\n";
        StringBuilder sb = new StringBuilder("HTTP/1.1 " + f.status() + " Error\r\n");
        sb.append("Proxy-Status: fyntr; error=").append(f.proxyStatusError()).append("\r\n");
        for (String h : f.extraHeaders()) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").append(body.length())
                .append("\r\nConnection: close\r\n\r\n").append(body);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
