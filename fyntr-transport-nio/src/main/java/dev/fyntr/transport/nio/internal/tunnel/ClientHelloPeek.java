package dev.fyntr.transport.nio.internal.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the server name (SNI, RFC 6066) out of the first bytes a client sends in a tunnel, when they are a TLS
 * ClientHello (RFC 8446 §4.1.2), without decrypting anything and without copying the hello: it is a byte-at-a-time
 * state machine fed each chunk as it arrives ({@link #feed}), so a hello split across any number of TCP segments,
 * chunks or TLS records is read as well as one in a single chunk. It keeps a few counters and, once found, the name
 * (at most {@value #MAX_NAME_BYTES} bytes); nothing else.
 *
 * <p>It decides at the latest after {@value #LIMIT} bytes, one full TLS record with its header: a hello that has
 * not ended by then is {@link Result#TOO_LONG}. The first byte decides whether the bytes are TLS at all (a
 * handshake record starts {@code 16 03}); after that, every length must fit in the one around it, or the hello is
 * {@link Result#MALFORMED}. The whole hello is read, not only up to the name, so that a second name or a second
 * server_name extension (which a server would refuse, or read differently) and an {@code encrypted_client_hello}
 * extension (ECH: the name seen is then the outer, public one) are noticed.
 *
 * <p>One per tunnel, while its first bytes arrive; event-loop thread only.
 */
final class ClientHelloPeek {

    /** A TLS record header: type, version (2), length (2). */
    static final int RECORD_HEADER_BYTES = 5;
    /** The longest TLS plaintext record payload (RFC 8446 §5.1: 2^14). */
    static final int MAX_RECORD_PAYLOAD = 16_384;
    /** The most bytes the peek reads before it decides: one full record with its header. */
    static final int LIMIT = RECORD_HEADER_BYTES + MAX_RECORD_PAYLOAD;
    /** A DNS name is at most 253 characters, 254 with the root's dot; longer host names are refused as malformed. */
    static final int MAX_NAME_BYTES = 255;

    private static final int CONTENT_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    /** {@code encrypted_client_hello} (RFC 9849). */
    private static final int EXT_ECH = 0xfe0d;
    private static final int NAME_TYPE_HOST = 0;
    /** legacy_version (2) and random (32). */
    private static final int FIXED_HELLO_BYTES = 34;
    /** The shortest ClientHello body: the fixed part, an empty session id, one cipher suite, one compression method. */
    private static final int MIN_HELLO_BYTES = FIXED_HELLO_BYTES + 1 + 2 + 2 + 1 + 1;

    /** What the peek found. Every value but {@link #PENDING} is final. */
    enum Result {
        /** Not decided yet: feed more bytes. */
        PENDING,
        /** The first bytes are not a TLS handshake record (another protocol). */
        NOT_TLS,
        /** A TLS handshake record, but its first message is not a ClientHello. */
        NOT_CLIENT_HELLO,
        /** A complete, well-formed ClientHello without a host name. */
        NO_SNI,
        /** A complete, well-formed ClientHello with one host name: {@link #hostName()}. */
        SNI,
        /** A TLS record or ClientHello whose lengths or fields are invalid: {@link #detail()}. */
        MALFORMED,
        /** The ClientHello did not end within {@value #LIMIT} bytes. */
        TOO_LONG,
        /** The client ended its side in the middle of the ClientHello, or did not send the rest in time. */
        TRUNCATED,
        /** The client ended its side without sending a byte. */
        EMPTY
    }

    /** Where the handshake-layer parser is: each step reads a field of {@link #need} bytes or skips them. */
    private enum Step {
        MSG_TYPE, MSG_LENGTH, FIXED, SESSION_ID_LENGTH, SESSION_ID, SUITES_LENGTH, SUITES, COMPRESSION_LENGTH,
        COMPRESSION, EXTENSIONS_LENGTH, EXT_TYPE, EXT_LENGTH, EXT_BODY, NAME_LIST_LENGTH, NAME_TYPE, NAME_LENGTH,
        NAME, NAME_SKIP
    }

    private Result result = Result.PENDING;
    private String detail = "";
    /** Bytes read so far, record headers included. */
    private int consumed;

    // Record layer.
    private int headerAt;          // bytes of the current record header read, 0-4
    private int recordLength;      // the header's length field, as it is read
    private int recordLeft;        // payload bytes of the current record not yet read
    private boolean firstRecord = true;

    // Handshake layer: positions count ClientHello body bytes (after its 4-byte header).
    private Step step = Step.MSG_TYPE;
    private int need = 1;          // bytes of the current field still to read
    private int value;             // the current field, big-endian, as it is read
    private int at;                // body bytes read
    private int helloEnd;          // body length
    private int extensionEnd;      // where the current extension ends
    private int extensionType;
    private int nameType;
    private boolean serverNameSeen;
    private boolean ech;
    private byte[] name;           // the host name, once its length is known
    private int nameAt;

    /** What the peek has found so far. */
    Result result() {
        return result;
    }

    /** Whether the peek has decided (anything but {@link Result#PENDING}). */
    boolean decided() {
        return result != Result.PENDING;
    }

    /** How many more bytes the peek may read before it decides: at least 1 while {@link Result#PENDING}. */
    int budgetLeft() {
        return LIMIT - consumed;
    }

    /** Bytes read so far, record headers included. */
    int consumed() {
        return consumed;
    }

    /**
     * Reads {@code buf}'s bytes from index {@code from} to {@code to} (absolute; the buffer's position and limit
     * are not touched) until the peek decides. Returns what it found.
     */
    Result feed(ByteBuffer buf, int from, int to) {
        for (int i = from; i < to && result == Result.PENDING; i++) {
            int b = buf.get(i) & 0xFF;
            consumed++;
            if (recordLeft == 0) {
                recordHeader(b);
            } else {
                recordLeft--;
                handshake(b);
            }
            if (result == Result.PENDING && consumed >= LIMIT) {
                result = Result.TOO_LONG;
            }
        }
        return result;
    }

    /** Reads a buffer's remaining bytes ({@link #feed(ByteBuffer, int, int)} from position to limit). */
    Result feed(ByteBuffer buf) {
        return feed(buf, buf.position(), buf.limit());
    }

    /** The client ended its side: an undecided peek becomes {@link Result#TRUNCATED}, or {@link Result#EMPTY}. */
    Result finish() {
        if (result == Result.PENDING) {
            result = consumed == 0 ? Result.EMPTY : Result.TRUNCATED;
            detail = "the client ended its side after " + consumed + " byte(s) of the ClientHello";
        }
        return result;
    }

    /** The bytes came too slowly: an undecided peek becomes {@link Result#TRUNCATED}, saying {@code why}. */
    Result giveUp(String why) {
        if (result == Result.PENDING) {
            result = Result.TRUNCATED;
            detail = why + " (" + consumed + " byte(s) read)";
        }
        return result;
    }

    /**
     * The host name's bytes as sent, one char per byte (so non-ASCII bytes stay visible to the caller's checks),
     * when the result is {@link Result#SNI}; else {@code null}.
     */
    String hostName() {
        return result == Result.SNI ? new String(name, StandardCharsets.ISO_8859_1) : null;
    }

    /** Whether the ClientHello carries an {@code encrypted_client_hello} extension: its name is the outer one. */
    boolean ech() {
        return ech;
    }

    /** For {@link Result#MALFORMED}, {@link Result#TRUNCATED}: what was wrong, for the log. */
    String detail() {
        return detail;
    }

    private void recordHeader(int b) {
        switch (headerAt) {
            case 0 -> {
                if (b != CONTENT_HANDSHAKE) {
                    if (firstRecord) {
                        result = Result.NOT_TLS;
                    } else {
                        malformed("a record of type " + b + " inside the ClientHello");
                    }
                    return;
                }
            }
            case 1 -> {
                if (b != 3) {
                    if (firstRecord) {
                        result = Result.NOT_TLS;
                    } else {
                        malformed("a record of version " + b + ".x inside the ClientHello");
                    }
                    return;
                }
            }
            case 2 -> { } // minor version: 1 for most clients, anything for the first record of a hello
            case 3 -> recordLength = b << 8;
            default -> {
                recordLength |= b;
                if (recordLength == 0 || recordLength > MAX_RECORD_PAYLOAD) {
                    malformed("a TLS record of " + recordLength + " bytes (1-" + MAX_RECORD_PAYLOAD + " allowed)");
                    return;
                }
                recordLeft = recordLength;
                headerAt = 0;
                firstRecord = false;
                return;
            }
        }
        headerAt++;
    }

    /** One byte of handshake-record payload. */
    private void handshake(int b) {
        if (step == Step.MSG_TYPE) {
            if (b != HANDSHAKE_CLIENT_HELLO) {
                result = Result.NOT_CLIENT_HELLO;
                return;
            }
            begin(Step.MSG_LENGTH, 3);
            return;
        }
        if (step == Step.MSG_LENGTH) {
            value = (value << 8) | b;
            if (--need == 0) {
                helloEnd = value;
                if (helloEnd < MIN_HELLO_BYTES) {
                    malformed("a ClientHello of " + helloEnd + " bytes");
                    return;
                }
                begin(Step.FIXED, FIXED_HELLO_BYTES);
            }
            return;
        }
        if (++at > helloEnd) {
            malformed("fields that run past the end of the ClientHello (" + helloEnd + " bytes)");
            return;
        }
        switch (step) {
            case FIXED, SESSION_ID, SUITES, COMPRESSION, EXT_BODY, NAME_SKIP -> {
                if (--need == 0) {
                    fieldDone();
                }
            }
            case NAME -> {
                name[nameAt++] = (byte) b;
                if (--need == 0) {
                    fieldDone();
                }
            }
            default -> {
                value = (value << 8) | b;
                if (--need == 0) {
                    fieldDone();
                }
            }
        }
    }

    private void begin(Step next, int bytes) {
        step = next;
        need = bytes;
        value = 0;
    }

    /** The current field is read: checks it and moves on (zero-length fields are passed over at once). */
    private void fieldDone() {
        int v = value;
        switch (step) {
            case FIXED -> begin(Step.SESSION_ID_LENGTH, 1);
            case SESSION_ID_LENGTH -> {
                if (v > 32 || !fits(v, helloEnd)) {
                    malformed("a session id of " + v + " bytes");
                } else if (v == 0) {
                    begin(Step.SUITES_LENGTH, 2);
                } else {
                    begin(Step.SESSION_ID, v);
                }
            }
            case SESSION_ID -> begin(Step.SUITES_LENGTH, 2);
            case SUITES_LENGTH -> {
                if (v == 0 || (v & 1) != 0 || !fits(v, helloEnd)) {
                    malformed("a cipher suite list of " + v + " bytes");
                } else {
                    begin(Step.SUITES, v);
                }
            }
            case SUITES -> begin(Step.COMPRESSION_LENGTH, 1);
            case COMPRESSION_LENGTH -> {
                if (v == 0 || !fits(v, helloEnd)) {
                    malformed("a compression method list of " + v + " bytes");
                } else {
                    begin(Step.COMPRESSION, v);
                }
            }
            case COMPRESSION -> {
                if (at == helloEnd) {
                    done(); // no extensions (TLS 1.2 and older may omit them)
                } else {
                    begin(Step.EXTENSIONS_LENGTH, 2);
                }
            }
            case EXTENSIONS_LENGTH -> {
                if (at + v != helloEnd) {
                    malformed("extensions of " + v + " bytes where " + (helloEnd - at) + " are left");
                } else if (v == 0) {
                    done();
                } else {
                    begin(Step.EXT_TYPE, 2);
                }
            }
            case EXT_TYPE -> {
                extensionType = v;
                begin(Step.EXT_LENGTH, 2);
            }
            case EXT_LENGTH -> extensionLength(v);
            case EXT_BODY -> extensionDone();
            case NAME_LIST_LENGTH -> {
                if (v == 0 || at + v != extensionEnd) {
                    malformed("a server name list of " + v + " bytes where " + (extensionEnd - at) + " are left");
                } else {
                    begin(Step.NAME_TYPE, 1);
                }
            }
            case NAME_TYPE -> {
                nameType = v;
                begin(Step.NAME_LENGTH, 2);
            }
            case NAME_LENGTH -> nameLength(v);
            case NAME, NAME_SKIP -> {
                if (at == extensionEnd) {
                    extensionDone();
                } else {
                    begin(Step.NAME_TYPE, 1);
                }
            }
            default -> throw new IllegalStateException("field done in step " + step);
        }
    }

    private void extensionLength(int length) {
        if (!fits(length, helloEnd)) {
            malformed("an extension of " + length + " bytes where " + (helloEnd - at) + " are left");
            return;
        }
        extensionEnd = at + length;
        if (extensionType == EXT_SERVER_NAME) {
            if (serverNameSeen) {
                malformed("two server_name extensions");
            } else if (length < 2) {
                malformed("a server_name extension of " + length + " bytes");
            } else {
                serverNameSeen = true;
                begin(Step.NAME_LIST_LENGTH, 2);
            }
            return;
        }
        if (extensionType == EXT_ECH) {
            ech = true;
        }
        if (length == 0) {
            extensionDone();
        } else {
            begin(Step.EXT_BODY, length);
        }
    }

    private void nameLength(int length) {
        if (!fits(length, extensionEnd)) {
            malformed("a server name of " + length + " bytes where " + (extensionEnd - at) + " are left");
            return;
        }
        if (nameType != NAME_TYPE_HOST) {
            if (length == 0) {
                begin(Step.NAME_SKIP, 0);
                fieldDone();
            } else {
                begin(Step.NAME_SKIP, length); // a name type RFC 6066 does not define: passed over
            }
            return;
        }
        if (name != null) {
            malformed("two host names in server_name");
        } else if (length == 0 || length > MAX_NAME_BYTES) {
            malformed("a host name of " + length + " bytes (1-" + MAX_NAME_BYTES + " allowed)");
        } else {
            name = new byte[length];
            begin(Step.NAME, length);
        }
    }

    private void extensionDone() {
        if (at == helloEnd) {
            done();
        } else {
            begin(Step.EXT_TYPE, 2);
        }
    }

    /** Whether {@code length} more bytes fit before {@code end}. */
    private boolean fits(int length, int end) {
        return length <= end - at;
    }

    private void done() {
        result = name != null ? Result.SNI : Result.NO_SNI;
    }

    private void malformed(String what) {
        result = Result.MALFORMED;
        detail = what;
    }
}
