package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.dial.Dialers;
import dev.fyntr.transport.nio.internal.dial.NameResolver;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;

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
 */
public record HandshakeServices(LoopContext loop, DestinationPolicy policy, ThreatGuard threats,
                                NameResolver resolver, Dialers dialers, Duration handshakeTimeout,
                                Duration resolveTimeout, Duration connectTimeout, int maxConnections,
                                ProxyAuthenticator authenticator) {
}
