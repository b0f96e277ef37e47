package dev.fyntr.transport.nio.internal.forward;

import java.nio.ByteBuffer;

/**
 * Finds the end of a {@code Transfer-Encoding: chunked} body (RFC 9112 §7.1) in the bytes as they stream past,
 * without copying them: the body is forwarded as it came (chunk sizes, extensions and trailer fields included), so
 * the scanner's only jobs are to say where the message ends (the next request or response starts there) and to
 * refuse framing that two parsers could read differently. Lines must end in CRLF; chunk sizes are at most 15 hex
 * digits; a chunk-size line (extensions included) and the trailer section are bounded. One instance per body,
 * one thread.
 */
final class ChunkedScanner {

    /** What {@link #scan} found. */
    static final int MORE = -1;
    static final int MALFORMED = -2;

    private static final int MAX_SIZE_DIGITS = 15;
    private static final int MAX_LINE_BYTES = 4096;
    private static final int MAX_TRAILER_BYTES = 32 * 1024;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, END_LF,
        DONE, BAD }

    private State state = State.SIZE;
    private long remaining;
    private int digits;
    private int lineBytes;
    private int trailerBytes;
    private String error;

    /**
     * Scans {@code buf} from its position to its limit (neither is moved).
     *
     * @return the index just past the body's last byte if it ends within the buffer, {@link #MORE} if every byte
     * belongs to the body and more are needed, {@link #MALFORMED} if the framing is bad ({@link #error()} says how)
     */
    int scan(ByteBuffer buf) {
        int i = buf.position();
        int end = buf.limit();
        while (i < end) {
            switch (state) {
                case DATA -> {
                    long take = Math.min(remaining, end - i);
                    i += (int) take;
                    remaining -= take;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                case DONE -> {
                    return i;
                }
                case BAD -> {
                    return MALFORMED;
                }
                default -> step(buf.get(i));
            }
            i++;
            if (state == State.DONE) {
                return i;
            }
            if (state == State.BAD) {
                return MALFORMED;
            }
        }
        return state == State.DONE ? i : state == State.BAD ? MALFORMED : MORE;
    }

    private void step(byte b) {
        switch (state) {
            case SIZE -> {
                int v = hex(b);
                if (v >= 0) {
                    if (++digits > MAX_SIZE_DIGITS) {
                        fail("a chunk size has more than " + MAX_SIZE_DIGITS + " hex digits");
                        return;
                    }
                    remaining = remaining * 16 + v;
                } else if (digits == 0) {
                    fail("a chunk does not start with its size in hex");
                } else if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == ';' || b == ' ' || b == '\t') {
                    state = State.EXTENSION;
                    lineBytes = digits + 1;
                } else {
                    fail("a chunk size is followed by an unexpected byte");
                }
            }
            case EXTENSION -> {
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (b == '\n' || (b < 0x20 && b != '\t') || b == 0x7F) {
                    fail("a chunk extension contains a control character or a bare LF");
                } else if (++lineBytes > MAX_LINE_BYTES) {
                    fail("a chunk-size line is longer than " + MAX_LINE_BYTES + " bytes");
                }
            }
            case SIZE_LF -> {
                if (b != '\n') {
                    fail("a chunk-size line's CR is not followed by LF");
                    return;
                }
                digits = 0;
                state = remaining == 0 ? State.TRAILER_START : State.DATA;
            }
            case DATA_CR -> {
                if (b != '\r') {
                    fail("a chunk's data is longer than its size");
                    return;
                }
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                if (b != '\n') {
                    fail("a chunk's data is not followed by CRLF");
                    return;
                }
                state = State.SIZE;
            }
            case TRAILER_START -> {
                if (b == '\r') {
                    state = State.END_LF;
                } else {
                    countTrailer();
                    state = State.TRAILER;
                }
            }
            case TRAILER -> {
                countTrailer();
                if (b == '\r') {
                    state = State.TRAILER_LF;
                } else if (b == '\n') {
                    fail("a trailer line ends in a bare LF");
                }
            }
            case TRAILER_LF -> {
                countTrailer();
                if (b != '\n') {
                    fail("a trailer line's CR is not followed by LF");
                    return;
                }
                state = State.TRAILER_START;
            }
            case END_LF -> {
                if (b != '\n') {
                    fail("the chunked body's last CR is not followed by LF");
                    return;
                }
                state = State.DONE;
            }
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private void countTrailer() {
        if (++trailerBytes > MAX_TRAILER_BYTES) {
            fail("the trailer section is larger than " + MAX_TRAILER_BYTES + " bytes");
        }
    }

    private void fail(String why) {
        error = why;
        state = State.BAD;
    }

    /** Whether the whole body has been seen. */
    boolean done() {
        return state == State.DONE;
    }

    /** Why the framing was refused, after {@link #MALFORMED}. */
    String error() {
        return error;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
