package dev.fyntr.transport.nio.internal.net;

import java.util.Objects;

/** Thrown by parsers ({@link ConnectTarget#parse}) with the {@link HandshakeFailure} to answer. No stack trace. */
public final class HandshakeFailureException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient HandshakeFailure failure;

    public HandshakeFailureException(HandshakeFailure failure) {
        super(Objects.requireNonNull(failure, "failure").toString(), null, false, false);
        this.failure = failure;
    }

    /** What to answer; never null on a live (not deserialized) exception. */
    public HandshakeFailure failure() {
        return failure;
    }
}
