package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;

import dev.fyntr.transport.nio.internal.auth.AuthDecision;
import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The client-facing protocol of one connection until its tunnel is up: it parses the client's handshake and
 * writes the answers, while the connection does everything else (admission, policy, threat feeds, resolving,
 * dialling, timeouts, the tunnel). HTTP CONNECT and SOCKS5 are the two implementations; the listener that
 * accepted the socket picks one.
 *
 * <p><b>Contract:</b> one instance per connection, used only by the event-loop thread that owns it, never
 * blocks, never throws for any client input (bad input is {@link Progress#FAILED} with a {@link #failure()}).
 * Replies are fresh arrays the caller may keep.
 */
public interface FrontEnd {

    /** What one {@link #feed} achieved. */
    enum Progress {
        /** More bytes are needed; every byte of the buffer was consumed. */
        NEED_MORE,
        /** The handshake is complete; {@link #target()} is set and bytes left in the buffer are tunnel payload. */
        COMPLETE,
        /** The handshake is invalid; {@link #failure()} says why. Later bytes are to be ignored. */
        FAILED,
        /**
         * The client sent credentials in the middle of the handshake (SOCKS5, RFC 1929): {@link #authenticate}
         * them, and feed nothing more until {@link #authenticated()}. Bytes left in the buffer come after them.
         */
        AUTHENTICATE
    }

    /**
     * Consumes handshake bytes from {@code in}, never bytes beyond the handshake, so that what the client sent
     * after it (a TLS ClientHello) stays in the buffer for the tunnel.
     */
    Progress feed(ByteBuffer in);

    /**
     * Bytes to send before the handshake completes (the SOCKS5 method selection), each handed out once; or
     * {@code null}. Called after every {@link #feed}.
     */
    byte[] takeInterimReply();

    /** The destination; only after {@link Progress#COMPLETE}. */
    ConnectTarget target();

    /** Why the handshake failed; only after {@link Progress#FAILED}. */
    HandshakeFailure failure();

    /** The reply that opens the tunnel; {@code upstreamLocal} is the proxy's end of the upstream socket. */
    byte[] successReply(InetSocketAddress upstreamLocal);

    /**
     * The reply that ends the connection for {@code failure}, whether it came from {@link #failure()} or from
     * later steps (policy, resolver, dialler, timeouts, admission). Possibly empty: nothing to say.
     */
    byte[] failureReply(HandshakeFailure failure);

    /**
     * After {@link Progress#COMPLETE}: the plain-HTTP request to forward (docs/plain-http.md), or {@code null} when
     * the handshake opens a tunnel. Then {@link #successReply} is not used: the forwarding side answers.
     */
    default PlainRequest plainRequest() {
        return null;
    }

    /** For log lines: {@code CONNECT}, {@code HTTP} (a plain request) or {@code SOCKS5}. */
    String protocol();

    /**
     * Checks the credentials the client sent (after {@link Progress#AUTHENTICATE}, or after
     * {@link Progress#COMPLETE} when they come with the request head, as HTTP's {@code Proxy-Authorization})
     * through the proxy's one authenticator, and forgets them. Called only when the proxy requires
     * authentication. Returns the decision, or {@link AuthDecision.Outcome#PENDING} when it comes later through
     * {@code later} (on the event loop).
     */
    AuthDecision authenticate(ProxyAuthenticator authenticator, InetSocketAddress client,
                              Consumer<AuthDecision> later);

    /**
     * The credentials were accepted: the front end goes on with the handshake (SOCKS5 queues its {@code 01 00}
     * as an interim reply). Not called after a refusal, which ends the connection through {@link #failureReply}.
     */
    default void authenticated() {
    }

    /** The front end as a scheduler sees it, in {@link FlowInfo#frontEnd()}. */
    default FlowInfo.FrontEnd kind() {
        return FlowInfo.FrontEnd.CONNECT;
    }
}
