package dev.fyntr.transport.nio.internal.http;

import java.util.List;

/** STAND-IN until the http helper's version is merged. */
public record HandshakeFailure(int status, String proxyStatusError, String message, List<String> extraHeaders) {
}
