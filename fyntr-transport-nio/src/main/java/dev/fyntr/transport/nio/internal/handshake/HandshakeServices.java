package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.dial.Dialers;
import dev.fyntr.transport.nio.internal.dial.NameResolver;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What every {@link Handshake} of one proxy shares: its loop, the checks, name resolution and dialling, and
 * the deadlines.
 *
 * @param handshakeTimeout the whole head must arrive within this, counted from accept; also how long a paced
 *                         connect may wait
 * @param resolveTimeout   how long a name lookup may take
 * @param connectTimeout   per dial attempt (for messages; the dialers apply it)
 * @param maxConnections   the admission limit (for the 503 message), 0 = unlimited
 * @param authenticator    checks credentials when the proxy requires them; {@code null}: no authentication
 * @param plainPolicy      the policy of plain-HTTP requests: the same ranges, but port 80 and the listed ports
 *                         instead of 443 and the listed ports (docs/plain-http.md#ports)
 */
public record HandshakeServices(LoopContext loop, DestinationPolicy policy, ThreatGuard threats,
                                NameResolver resolver, Dialers dialers, Duration handshakeTimeout,
                                Duration resolveTimeout, Duration connectTimeout, int maxConnections,
                                ProxyAuthenticator authenticator, DestinationPolicy plainPolicy) {

    /**
     * The checks made before any lookup: the destination port (plain-HTTP requests have their own ports), then the
     * threat feeds on the host name. {@code null} when both pass, else the refusal.
     */
    public HandshakeFailure checkBeforeLookup(ConnectTarget target, InetSocketAddress client, boolean plain) {
        HandshakeFailure denied = (plain ? plainPolicy : policy).checkPort(target.port());
        return denied != null ? denied : threats.checkHost(target, client);
    }
}
