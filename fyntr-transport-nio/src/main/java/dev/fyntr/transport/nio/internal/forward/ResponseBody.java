package dev.fyntr.transport.nio.internal.forward;

import java.nio.ByteBuffer;

/**
 * How one response's body is delimited (RFC 9112 §6.3), decided from its head, and where it ends as its bytes stream
 * past: no body (HEAD, 204, 304, {@code Content-Length: 0}), {@code Content-Length}, {@code chunked} (the last
 * coding), or until the origin closes. It also says whether the origin's connection may carry another exchange
 * afterwards: only after an HTTP/1.1 response without {@code Connection: close}, delimited by its length or
 * chunks, with no byte after its end and not both {@code Transfer-Encoding} and {@code Content-Length}. One instance
 * per response, one thread.
 */
final class ResponseBody {

    private final ForwardHeads.Framing framing;
    private final ChunkedScanner scanner;
    private long remaining;
    private boolean reusable;
    private boolean done;

    private ResponseBody(ForwardHeads.Framing framing, long length, boolean reusable) {
        this.framing = framing;
        this.scanner = framing == ForwardHeads.Framing.CHUNKED ? new ChunkedScanner() : null;
        this.remaining = length;
        this.reusable = reusable;
        this.done = framing == ForwardHeads.Framing.NONE;
    }

    /**
     * The body that follows {@code head}, the final response to a request that was {@code HEAD} or not; or
     * {@code null} when its {@code Content-Length} is malformed or ambiguous (the response cannot be delimited).
     */
    static ResponseBody of(ResponseHead head, boolean headRequest) {
        int status = head.status();
        String te = head.joined("transfer-encoding");
        String cl = head.joined("content-length");
        ForwardHeads.Framing framing;
        long length = 0;
        if (headRequest || status == 204 || status == 304) {
            framing = ForwardHeads.Framing.NONE;
        } else if (te != null) {
            String[] codings = te.split(",");
            framing = codings[codings.length - 1].strip().equalsIgnoreCase("chunked")
                    ? ForwardHeads.Framing.CHUNKED : ForwardHeads.Framing.CLOSE;
        } else if (cl != null) {
            length = contentLength(cl);
            if (length < 0) {
                return null;
            }
            framing = length == 0 ? ForwardHeads.Framing.NONE : ForwardHeads.Framing.LENGTH;
        } else {
            framing = ForwardHeads.Framing.CLOSE;
        }
        boolean reusable = head.version().equals("HTTP/1.1") && !ForwardHeads.saysClose(head.headers())
                && framing != ForwardHeads.Framing.CLOSE && !(te != null && cl != null);
        return new ResponseBody(framing, length, reusable);
    }

    ForwardHeads.Framing framing() {
        return framing;
    }

    /** Whether the whole body has been seen. */
    boolean done() {
        return done;
    }

    /** Whether the origin's connection may carry another exchange (so far: bytes after the end spoil it). */
    boolean reusable() {
        return reusable;
    }

    /** How many bytes the next read may take into a buffer of {@code room}: never past a known length. */
    int readLimit(int room) {
        return framing == ForwardHeads.Framing.LENGTH ? (int) Math.min(room, remaining) : room;
    }

    /**
     * How many of {@code buf}'s remaining bytes (position and limit untouched) belong to the body; the rest follow
     * its end. {@link ChunkedScanner#MALFORMED} when the chunked framing is bad ({@link #error()}).
     */
    int cut(ByteBuffer buf) {
        int k = buf.remaining();
        switch (framing) {
            case NONE -> k = 0;
            case LENGTH -> {
                k = (int) Math.min(remaining, k);
                remaining -= k;
                done = remaining == 0;
            }
            case CHUNKED -> {
                int end = scanner.scan(buf);
                if (end == ChunkedScanner.MALFORMED) {
                    return ChunkedScanner.MALFORMED;
                }
                if (end != ChunkedScanner.MORE) {
                    k = end - buf.position();
                    done = true;
                }
            }
            case CLOSE -> { }
            default -> throw new IllegalStateException(String.valueOf(framing));
        }
        if (k < buf.remaining()) {
            reusable = false; // bytes after the response: the connection's framing cannot be trusted
        }
        return k;
    }

    /** The origin closed: a close-delimited body ends here (true); any other is cut short (false). */
    boolean endOfStream() {
        reusable = false;
        if (framing == ForwardHeads.Framing.CLOSE) {
            done = true;
        }
        return done;
    }

    String error() {
        return scanner == null ? null : scanner.error();
    }

    /** A {@code Content-Length} value, or a list of equal ones; -1 when malformed or ambiguous. */
    static long contentLength(String joined) {
        long n = -1;
        for (String part : joined.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            long v = Long.parseLong(p);
            if (n >= 0 && v != n) {
                return -1;
            }
            n = v;
        }
        return n;
    }
}
