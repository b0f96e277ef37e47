package dev.fyntr.transport.nio.internal.dial;

/**
 * Why a dial gave up; the handshake turns it into the client's answer (502, 504 or 503).
 *
 * @param kind              what happened to the attempts
 * @param detail            the last attempt's error ({@link Kind#UNAVAILABLE}), or the pacer's message
 *                          ({@link Kind#PACED}); empty otherwise
 * @param retryAfterSeconds for {@link Kind#PACED}: when trying again is likely to succeed; else 0
 */
public record DialFailure(Kind kind, String detail, int retryAfterSeconds) {

    public enum Kind {
        /** At least one address refused the connection. */
        REFUSED,
        /** Every attempt timed out. */
        TIMED_OUT,
        /** Every attempt failed otherwise (unreachable, no route …). */
        UNAVAILABLE,
        /** The request waited for a {@code --max-connect-rate} token until its deadline. */
        PACED
    }
}
