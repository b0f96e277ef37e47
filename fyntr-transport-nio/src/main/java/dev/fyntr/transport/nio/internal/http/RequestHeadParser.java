package dev.fyntr.transport.nio.internal.http;

import dev.fyntr.transport.nio.internal.policy.Addresses;

import java.nio.ByteBuffer;
import java.util.List;

/** STAND-IN until the http helper's version is merged: minimal, no limits. */
public final class RequestHeadParser {
    public enum Result { NEED_MORE, COMPLETE, FAILED }

    private final StringBuilder head = new StringBuilder();
    private ConnectTarget target;
    private HandshakeFailure failure;

    public Result feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            head.append((char) (in.get() & 0xFF));
            int n = head.length();
            if (n >= 4 && head.substring(n - 4).equals("\r\n\r\n")) {
                String line = head.substring(0, head.indexOf("\r\n"));
                String[] p = line.split(" ");
                if (p.length != 3 || !p[0].equals("CONNECT")) {
                    failure = new HandshakeFailure(400, "http_request_error", "bad request", List.of());
                    return Result.FAILED;
                }
                String t = p[1];
                int colon = t.lastIndexOf(':');
                String host = t.substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                target = new ConnectTarget(host, Integer.parseInt(t.substring(colon + 1)), Addresses.literal(host));
                return Result.COMPLETE;
            }
        }
        return Result.NEED_MORE;
    }

    public ConnectTarget target() {
        return target;
    }

    public HandshakeFailure failure() {
        return failure;
    }
}
