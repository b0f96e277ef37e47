package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.auth.AuthDecision;
import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import dev.fyntr.transport.nio.internal.handshake.PlainRequest;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * HTTP CONNECT (docs/policy-and-errors.md), and with plain-HTTP forwarding the first absolute-form request of a
 * connection (docs/plain-http.md): {@link RequestHeadParser} in, {@link Responses} out.
 */
public final class HttpFrontEnd implements FrontEnd {

    private RequestHeadParser parser;
    private ConnectTarget target;
    private PlainRequest plainRequest;
    private HandshakeFailure failure;
    /** The Proxy-Authorization value until it is checked; never kept longer. */
    private String proxyAuthorization;

    /** CONNECT only: any other method is answered 405. */
    public HttpFrontEnd() {
        this(false);
    }

    /** @param plainHttp whether an absolute-form request ({@code GET http://...}) is forwarded (else 405) */
    public HttpFrontEnd(boolean plainHttp) {
        this.parser = new RequestHeadParser(plainHttp ? RequestHeadParser.Mode.CONNECT_OR_PLAIN
                : RequestHeadParser.Mode.CONNECT_ONLY);
    }

    @Override
    public Progress feed(ByteBuffer in) {
        if (parser == null) {
            return target != null ? Progress.COMPLETE : Progress.FAILED;
        }
        switch (parser.feed(in)) {
            case COMPLETE -> {
                target = parser.target();
                plainRequest = parser.plainRequest();
                proxyAuthorization = parser.takeHeader("proxy-authorization");
                parser = null; // its line buffer is 8 KiB: let it go for the life of the tunnel
                return Progress.COMPLETE;
            }
            case FAILED -> {
                failure = parser.failure();
                parser = null;
                return Progress.FAILED;
            }
            default -> {
                return Progress.NEED_MORE;
            }
        }
    }

    @Override
    public byte[] takeInterimReply() {
        return null;
    }

    @Override
    public ConnectTarget target() {
        if (target == null) {
            throw new IllegalStateException("the request head is not complete");
        }
        return target;
    }

    @Override
    public HandshakeFailure failure() {
        if (failure == null) {
            throw new IllegalStateException("the request head has not failed");
        }
        return failure;
    }

    @Override
    public byte[] successReply(InetSocketAddress upstreamLocal) {
        return Responses.established();
    }

    @Override
    public byte[] failureReply(HandshakeFailure f) {
        return Responses.error(f);
    }

    @Override
    public PlainRequest plainRequest() {
        return plainRequest;
    }

    @Override
    public AuthDecision authenticate(ProxyAuthenticator authenticator, InetSocketAddress client,
                                     Consumer<AuthDecision> later) {
        String credentials = proxyAuthorization;
        proxyAuthorization = null;
        return authenticator.check(client, credentials, later);
    }

    @Override
    public String protocol() {
        return plainRequest != null ? "HTTP" : "CONNECT";
    }

    @Override
    public FlowInfo.FrontEnd kind() {
        return plainRequest != null ? FlowInfo.FrontEnd.PLAIN_HTTP : FlowInfo.FrontEnd.CONNECT;
    }
}
