package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.transport.nio.internal.dial.DialFailure;
import dev.fyntr.transport.nio.internal.dial.Dialer;
import dev.fyntr.transport.nio.internal.dial.NameResolver;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * From a parsed target to a connected upstream socket: resolves the name (off the loop), applies the threat
 * feeds and the destination policy to every address, and dials the usable ones. Each step arms the owner's
 * deadline; the outcome is reported once, as a socket or as the failure to answer. Event-loop thread only.
 */
public final class UpstreamSetup {

    /** The outcome, reported once. */
    public interface Outcome {
        void connected(SocketChannel channel, InetSocketAddress address);

        void refused(HandshakeFailure failure);
    }

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSetup.class);
    private static final RateLimitedLog DENIALS = RateLimitedLog.warnings(LOG);

    private final HandshakeServices services;
    private final Handshake.Owner owner;
    private final ConnectTarget target;
    private final Outcome outcome;
    private final String protocol;
    private NameResolver.Lookup lookup;
    private Dialer dialer;
    private boolean resolving;
    private boolean over;

    /**
     * @param owner the connection: its deadline, address and id; {@link Handshake.Owner#acceptedAt()} is when the
     *              request began (a connect pacer's wait counts from there)
     */
    public UpstreamSetup(HandshakeServices services, Handshake.Owner owner, ConnectTarget target, Outcome outcome) {
        this(services, owner, target, outcome, "CONNECT");
    }

    /** As the other constructor; {@code protocol} names the request in log lines ({@code CONNECT}, {@code HTTP}). */
    public UpstreamSetup(HandshakeServices services, Handshake.Owner owner, ConnectTarget target, Outcome outcome,
                         String protocol) {
        this.protocol = protocol;
        this.services = services;
        this.owner = owner;
        this.target = target;
        this.outcome = outcome;
    }

    /** Starts resolving (or checks a literal) and then dials; the outcome may be reported before this returns. */
    public void start() {
        resolving = true;
        if (target.literal() != null) {
            onResolved(List.of(target.literal()), null);
            return;
        }
        owner.deadline(services.loop().nanoTime() + services.resolveTimeout().toNanos());
        InetSocketAddress client = owner.clientAddress();
        NameResolver.Lookup started = services.resolver().resolve(target.host(),
                client == null ? null : client.getAddress(), this::onResolved);
        if (resolving) {
            lookup = started; // else it answered at once (a bound was reached)
        }
    }

    /** The owner's deadline fired: the lookup or the dial took too long. */
    public void onDeadline() {
        if (over) {
            return;
        }
        if (resolving) {
            release(); // nobody else waiting: the lookup is abandoned and frees its slot
            refuse(HandshakeFailure.dnsTimeout(target.host(), services.resolveTimeout()));
        } else {
            release();
            refuse(HandshakeFailure.connectTimeout(target.authority(), services.connectTimeout()));
        }
    }

    /** The resolver answered (on the loop thread). Late answers are ignored. */
    private void onResolved(List<InetAddress> addresses, Throwable error) {
        if (over || !resolving) {
            return;
        }
        resolving = false;
        lookup = null;
        owner.cancelDeadline();
        if (error instanceof NameResolver.LimitReached) {
            refuse(HandshakeFailure.lookupLimit(error.getMessage()));
            return;
        }
        if (error != null || addresses == null || addresses.isEmpty()) {
            String why = error == null ? "no addresses" : String.valueOf(error.getMessage());
            refuse(HandshakeFailure.dnsError(target.host(), LogSafe.quote(why, 200)));
            return;
        }
        HandshakeFailure threat = services.threats().checkAddresses(target, addresses, owner.clientAddress());
        if (threat != null) {
            refuse(threat);
            return;
        }
        DestinationPolicy.Decision decision = services.policy().check(target, addresses);
        if (decision.failure() != null) {
            if (decision.failure().status() == 403 && LOG.isWarnEnabled()) {
                long id = owner.id();
                InetSocketAddress client = owner.clientAddress();
                String why = decision.failure().message();
                DENIALS.warn(() -> "flow " + id + " " + protocol + " " + target.authority() + " from "
                        + Formats.endpoint(client) + " denied: " + why);
            }
            refuse(decision.failure());
            return;
        }
        dial(decision.usable());
    }

    private void dial(List<InetAddress> usable) {
        dialer = services.dialers().dialer(target.port(), usable, new Dialer.Listener() {
            @Override
            public void onConnected(SocketChannel channel, InetSocketAddress address) {
                dialer = null;
                over = true;
                outcome.connected(channel, address);
            }

            @Override
            public void onDialFailed(DialFailure failure) {
                dialer = null;
                refuse(toHandshakeFailure(failure));
            }
        });
        long paceDeadline = owner.acceptedAt() + services.handshakeTimeout().toNanos();
        dialer.start(paceDeadline);
        if (!over) {
            // The dialer's own timers end every attempt; this deadline is the owner's guarantee that the state ends.
            owner.deadline(Math.max(paceDeadline, services.loop().nanoTime())
                    + services.dialers().longestDialNanos(usable.size()));
        }
    }

    private HandshakeFailure toHandshakeFailure(DialFailure failure) {
        String where = target.authority();
        return switch (failure.kind()) {
            case TIMED_OUT -> HandshakeFailure.connectTimeout(where, services.connectTimeout());
            case REFUSED -> HandshakeFailure.connectionRefused(where);
            case UNAVAILABLE -> HandshakeFailure.destinationUnavailable(where, failure.detail());
            case PACED -> HandshakeFailure.unavailable(failure.detail(), failure.retryAfterSeconds());
        };
    }

    private void refuse(HandshakeFailure failure) {
        over = true;
        outcome.refused(failure);
    }

    /** Stops resolving (abandons the lookup) and dialling. Idempotent. */
    public void release() {
        over = true;
        resolving = false;
        if (lookup != null) {
            lookup.cancel();
            lookup = null;
        }
        if (dialer != null) {
            dialer.abort();
            dialer = null;
        }
    }
}
