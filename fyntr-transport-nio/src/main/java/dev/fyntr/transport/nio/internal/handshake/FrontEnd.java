package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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
        FAILED
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
}
