package dev.fyntr.transport.nio.internal.auth;

import dev.fyntr.transport.nio.internal.net.HandshakeFailure;

/**
 * What {@link ProxyAuthenticator} decided about one request's credentials. Immutable.
 *
 * @param outcome           what happened
 * @param user              the authenticated user (for the log), or {@code null}
 * @param failures          the client address's failures in the current window (for the 429 message)
 * @param retryAfterSeconds for {@link Outcome#RATE_LIMITED} and {@link Outcome#BUSY}: when to try again
 */
public record AuthDecision(Outcome outcome, String user, int failures, int retryAfterSeconds) {

    /** The kinds of decision. */
    public enum Outcome {
        /** The credentials are right: go on. */
        ACCEPTED,
        /** No credentials (no Proxy-Authorization, or a SOCKS5 client that did not offer user/password). */
        MISSING,
        /** Wrong or malformed credentials. */
        REJECTED,
        /** The client address failed too often lately: refused without checking. */
        RATE_LIMITED,
        /** Too many checks are waiting: refused without checking; the client may retry soon. */
        BUSY,
        /** Not decided yet: the decision comes later through the callback. */
        PENDING
    }

    static final AuthDecision PENDING = new AuthDecision(Outcome.PENDING, null, 0, 0);
    static final AuthDecision MISSING = new AuthDecision(Outcome.MISSING, null, 0, 0);
    static final AuthDecision REJECTED = new AuthDecision(Outcome.REJECTED, null, 0, 0);
    static final AuthDecision BUSY = new AuthDecision(Outcome.BUSY, null, 0, 1);

    static AuthDecision accepted(String user) {
        return new AuthDecision(Outcome.ACCEPTED, user, 0, 0);
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    /** The HTTP answer for a refusal (407, 429 or 503); not for ACCEPTED or PENDING. */
    public HandshakeFailure failure() {
        return switch (outcome) {
            case MISSING -> HandshakeFailure.proxyAuthenticationRequired("this proxy requires authentication: send"
                    + " Proxy-Authorization: Basic with a user name and password (e.g. curl --proxy-user USER:PASSWORD,"
                    + " or http://USER:PASSWORD@host:port as the proxy URL)");
            case REJECTED -> HandshakeFailure.proxyAuthenticationRequired("wrong user name or password (or a"
                    + " Proxy-Authorization that is not Basic base64(user:password))");
            case RATE_LIMITED -> HandshakeFailure.tooManyAuthenticationFailures(failures, retryAfterSeconds);
            case BUSY -> HandshakeFailure.unavailable("too many authentications are being checked at once",
                    retryAfterSeconds);
            default -> throw new IllegalStateException("not a refusal: " + outcome);
        };
    }
}
