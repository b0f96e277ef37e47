package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.handshake.PlainRequest;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Incremental parser of one CONNECT request head (docs/policy-and-errors.md), fed with whatever bytes have
 * arrived. One instance per connection, used by one thread; not reusable.
 *
 * <p>{@link #feed} consumes bytes up to and including the blank line that ends the head and never further, so
 * after {@link Result#COMPLETE} the buffer's remaining bytes are the client's pipelined tunnel payload (often
 * the TLS ClientHello), which must be forwarded upstream. Lines end in CRLF or a bare LF; a CR not followed by
 * LF is an error. Empty lines before the request line are skipped (RFC 9112 §2.2) but count towards the head.
 *
 * <p>Order of checks, so that each input gets one well-defined status:
 * <ol>
 * <li>While bytes stream in (no need to wait for a line end): the request line over its limit → 414; a header
 *     line over its limit, a header line past the maximum count, or the head over its total size → 431. A CR
 *     not followed by LF → 400.</li>
 * <li>When the request line ends: control characters → 400; not exactly {@code METHOD SP TARGET SP VERSION}
 *     → 400; the version: malformed → 400, well-formed ({@code HTTP/d} or {@code HTTP/d.d}) but not 1.0/1.1
 *     → 505; the method: not a token → 400, not {@code CONNECT} → 405; the target (see
 *     {@link ConnectTarget#parse}) → 400. The version comes first because it says how to read the rest (so
 *     {@code GET / HTTP/2.0} is 505, not 405); these checks run at once, before any header arrives.</li>
 * <li>When a header line ends: obsolete line folding (a line starting with SP or HTAB), a missing colon, an
 *     empty or non-token name, whitespace before the colon, or a control character in the value → 400.</li>
 * </ol>
 * Line limits count bytes without the terminator; the head limit counts every byte, terminators included.
 *
 * <p>With plain-HTTP forwarding ({@link Mode#CONNECT_OR_PLAIN}, {@link Mode#PLAIN_ONLY}; docs/plain-http.md), a method
 * other than CONNECT takes an absolute-form target ({@link AbsoluteTarget}), and when the head ends the framing is
 * checked against request smuggling: {@code Content-Length} with {@code Transfer-Encoding}, differing or malformed
 * {@code Content-Length}s, {@code Transfer-Encoding} in HTTP/1.0 → 400; a transfer coding other than
 * {@code chunked} or a WebSocket {@code Upgrade} → 501. The result is {@link #plainRequest()}.
 */
public final class RequestHeadParser {

    /** Result of one {@link #feed}. */
    public enum Result {
        /** The head is not complete; every byte of the buffer was consumed. */
        NEED_MORE,
        /** The head is complete; the buffer's position is just past it. */
        COMPLETE,
        /** The head is invalid; see {@link #failure()}. The buffer's position is just past the offending byte. */
        FAILED
    }

    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8192;
    public static final int DEFAULT_MAX_HEADER_LINE_BYTES = 8192;
    public static final int DEFAULT_MAX_HEAD_BYTES = 32768;
    public static final int DEFAULT_MAX_HEADER_LINES = 100;

    /** Which request lines are accepted. */
    public enum Mode {
        /** CONNECT only; any other method is 405 (plain-HTTP forwarding off). */
        CONNECT_ONLY,
        /** CONNECT, or any other method with an absolute-form {@code http://} URI: a connection's first request. */
        CONNECT_OR_PLAIN,
        /** Absolute-form requests only: the later requests of a plain-HTTP connection (CONNECT → 405). */
        PLAIN_ONLY
    }

    private enum State { REQUEST_LINE, HEADERS, COMPLETE, FAILED }

    /** Longest Content-Length accepted: 18 digits cannot overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private final int maxRequestLineBytes;
    private final int maxHeaderLineBytes;
    private final int maxHeadBytes;
    private final int maxHeaderLines;
    private final Mode mode;

    /** The line so far; starts small and grows only for long lines, so that a handshake costs little heap. */
    private byte[] line;
    private int lineLength;
    private boolean sawCr;
    private int headBytes;
    private int headerLines;
    private State state = State.REQUEST_LINE;

    private String method;
    private String version;
    private ConnectTarget target;
    private AbsoluteTarget absolute;
    private PlainRequest plainRequest;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private HandshakeFailure failure;

    /** A parser with the default limits: 8 KiB lines, 32 KiB head, 100 header lines. */
    public RequestHeadParser() {
        this(Mode.CONNECT_ONLY);
    }

    /** A parser with the default limits that accepts the request lines of {@code mode}. */
    public RequestHeadParser(Mode mode) {
        this(DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEADER_LINE_BYTES, DEFAULT_MAX_HEAD_BYTES,
                DEFAULT_MAX_HEADER_LINES, mode);
    }

    /**
     * @param maxRequestLineBytes longest request line, without its terminator (else 414)
     * @param maxHeaderLineBytes  longest header line, without its terminator (else 431)
     * @param maxHeadBytes        largest head, every byte counted (else 431)
     * @param maxHeaderLines      most header lines (else 431)
     */
    public RequestHeadParser(int maxRequestLineBytes, int maxHeaderLineBytes, int maxHeadBytes, int maxHeaderLines) {
        this(maxRequestLineBytes, maxHeaderLineBytes, maxHeadBytes, maxHeaderLines, Mode.CONNECT_ONLY);
    }

    /** As {@link #RequestHeadParser(int, int, int, int)}, accepting the request lines of {@code mode}. */
    public RequestHeadParser(int maxRequestLineBytes, int maxHeaderLineBytes, int maxHeadBytes, int maxHeaderLines,
                             Mode mode) {
        this.mode = mode;
        if (maxRequestLineBytes < 16 || maxHeaderLineBytes < 1 || maxHeadBytes < maxRequestLineBytes
                || maxHeaderLines < 0) {
            throw new IllegalArgumentException("bad limits: request line " + maxRequestLineBytes + ", header line "
                    + maxHeaderLineBytes + ", head " + maxHeadBytes + ", header lines " + maxHeaderLines);
        }
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.maxHeaderLineBytes = maxHeaderLineBytes;
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaderLines = maxHeaderLines;
        this.line = new byte[Math.min(256, Math.max(maxRequestLineBytes, maxHeaderLineBytes))];
    }

    /**
     * Consumes bytes from {@code in.position()} up to the end of the head, or all of them if the head is not
     * complete yet. Once COMPLETE or FAILED, further calls consume nothing and return the same result.
     */
    public Result feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (state == State.COMPLETE) {
                return Result.COMPLETE;
            }
            if (state == State.FAILED) {
                return Result.FAILED;
            }
            step(in.get());
        }
        return switch (state) {
            case COMPLETE -> Result.COMPLETE;
            case FAILED -> Result.FAILED;
            default -> Result.NEED_MORE;
        };
    }

    private void step(byte b) {
        headBytes++;
        if (sawCr) {
            sawCr = false;
            if (b != '\n') {
                fail(HandshakeFailure.badRequest("a CR in the request head is not followed by LF"));
                return;
            }
            endOfLine();
            return;
        }
        if (b == '\n') {
            endOfLine();
            return;
        }
        if (b != '\r') {
            if (state == State.REQUEST_LINE) {
                if (lineLength == maxRequestLineBytes) {
                    fail(HandshakeFailure.uriTooLong(maxRequestLineBytes));
                    return;
                }
            } else {
                if (lineLength == 0 && headerLines == maxHeaderLines) {
                    fail(HandshakeFailure.headerFieldsTooLarge("the request head has more than " + maxHeaderLines
                            + " header lines"));
                    return;
                }
                if (lineLength == maxHeaderLineBytes) {
                    fail(HandshakeFailure.headerFieldsTooLarge("a header line is longer than " + maxHeaderLineBytes
                            + " bytes"));
                    return;
                }
            }
            if (lineLength == line.length) { // below the line's limit (checked above): there is room to grow
                line = Arrays.copyOf(line, Math.min(2 * line.length,
                        Math.max(maxRequestLineBytes, maxHeaderLineBytes)));
            }
            line[lineLength++] = b;
        } else {
            sawCr = true;
        }
        if (headBytes > maxHeadBytes) {
            fail(HandshakeFailure.headerFieldsTooLarge("the request head is larger than " + maxHeadBytes + " bytes"));
        }
    }

    private void endOfLine() {
        if (headBytes > maxHeadBytes) {
            fail(HandshakeFailure.headerFieldsTooLarge("the request head is larger than " + maxHeadBytes + " bytes"));
            return;
        }
        int length = lineLength;
        lineLength = 0;
        if (state == State.REQUEST_LINE) {
            if (length > 0) {
                requestLine(length);
            }
            return;
        }
        if (length == 0) {
            if (absolute != null) {
                finishPlain();
                return;
            }
            state = State.COMPLETE;
            return;
        }
        headerLines++;
        headerLine(length);
    }

    private void requestLine(int length) {
        for (int i = 0; i < length; i++) {
            int c = line[i] & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                fail(HandshakeFailure.badRequest("the request line contains a control character: "
                        + LogSafe.quote(line, 0, length, 100)));
                return;
            }
        }
        int sp1 = indexOf(line, 0, length, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(line, sp1 + 1, length, (byte) ' ');
        if (sp1 <= 0 || sp2 <= sp1 + 1 || sp2 == length - 1 || indexOf(line, sp2 + 1, length, (byte) ' ') >= 0) {
            fail(HandshakeFailure.badRequest("the request line must be METHOD SP TARGET SP VERSION, e.g."
                    + " CONNECT example.com:443 HTTP/1.1; got " + LogSafe.quote(line, 0, length, 100)));
            return;
        }
        String v = new String(line, sp2 + 1, length - sp2 - 1, StandardCharsets.ISO_8859_1);
        if (!v.equals("HTTP/1.1") && !v.equals("HTTP/1.0")) {
            fail(isWellFormedVersion(v) ? HandshakeFailure.versionNotSupported(v)
                    : HandshakeFailure.badRequest("malformed HTTP version " + LogSafe.quote(v, 16)
                    + "; expected HTTP/1.1"));
            return;
        }
        String m = new String(line, 0, sp1, StandardCharsets.ISO_8859_1);
        if (!isToken(m)) {
            fail(HandshakeFailure.badRequest("malformed method " + LogSafe.quote(m, 32)));
            return;
        }
        boolean connect = m.equals("CONNECT");
        if (!connect && mode == Mode.CONNECT_ONLY) {
            boolean absolute = sp2 - sp1 > 7 && new String(line, sp1 + 1, 7, StandardCharsets.ISO_8859_1)
                    .equalsIgnoreCase("http://");
            fail(absolute ? HandshakeFailure.plainHttpOff(m) : HandshakeFailure.methodNotAllowed(m));
            return;
        }
        if (connect && mode == Mode.PLAIN_ONLY) {
            fail(new HandshakeFailure(405, "http_request_denied", "CONNECT must be the first request on a"
                    + " connection; open a new connection for it", List.of("Allow: GET, HEAD, POST, PUT, DELETE,"
                    + " OPTIONS, PATCH")));
            return;
        }
        String t;
        try {
            t = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, sp1 + 1, sp2 - sp1 - 1)).toString();
        } catch (CharacterCodingException e) {
            fail(HandshakeFailure.badRequest("bad CONNECT target " + LogSafe.quote(line, sp1 + 1, sp2 - sp1 - 1, 100)
                    + ": it is not valid UTF-8"));
            return;
        }
        try {
            if (connect) {
                target = ConnectTarget.parse(t);
            } else {
                absolute = AbsoluteTarget.parse(t);
                target = absolute.target();
            }
        } catch (HandshakeFailureException e) {
            fail(e.failure());
            return;
        }
        method = m;
        version = v;
        state = State.HEADERS;
    }

    private void headerLine(int length) {
        byte first = line[0];
        if (first == ' ' || first == '\t') {
            fail(HandshakeFailure.badRequest("obsolete line folding (a header line starting with a space or tab)"
                    + " is not accepted"));
            return;
        }
        int colon = indexOf(line, 0, length, (byte) ':');
        if (colon <= 0) {
            fail(HandshakeFailure.badRequest("malformed header line " + LogSafe.quote(line, 0, length, 64)
                    + "; expected Name: value"));
            return;
        }
        for (int i = 0; i < colon; i++) {
            if (!isTokenChar(line[i] & 0xFF)) {
                fail(HandshakeFailure.badRequest("malformed header name " + LogSafe.quote(line, 0, colon, 64)
                        + (line[i] == ' ' || line[i] == '\t' ? " (no whitespace allowed before the colon)" : "")));
                return;
            }
        }
        int from = colon + 1;
        int to = length;
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            int c = line[i] & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                fail(HandshakeFailure.badRequest("header " + LogSafe.quote(line, 0, colon, 64)
                        + " contains a control character"));
                return;
            }
        }
        String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        String value = new String(line, from, to - from, StandardCharsets.ISO_8859_1);
        headers.add(Map.entry(name, value));
    }

    /** The end of a plain request's head: the framing checks against smuggling, then the {@link PlainRequest}. */
    private void finishPlain() {
        long length = -1;
        StringBuilder codings = null;
        boolean close = false;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            String value = h.getValue();
            switch (name) {
                case "content-length" -> {
                    for (String part : value.split(",", -1)) {
                        long n = parseLength(part.strip());
                        if (n < 0) {
                            fail(HandshakeFailure.badRequest("malformed Content-Length " + LogSafe.quote(value, 40)
                                    + "; expected a decimal number of bytes"));
                            return;
                        }
                        if (length >= 0 && n != length) {
                            fail(HandshakeFailure.badRequest("two different Content-Length values (" + length
                                    + " and " + n + "): the request is ambiguous"));
                            return;
                        }
                        length = n;
                    }
                }
                case "transfer-encoding" -> {
                    codings = codings == null ? new StringBuilder() : codings.append(',');
                    codings.append(value);
                }
                case "connection" -> {
                    for (String token : value.split(",")) {
                        String tk = token.strip().toLowerCase(Locale.ROOT);
                        close |= tk.equals("close");
                    }
                }
                case "upgrade" -> {
                    if (value.toLowerCase(Locale.ROOT).contains("websocket")) {
                        fail(HandshakeFailure.notImplemented("WebSocket over plain HTTP is not relayed; use wss://"
                                + " (through CONNECT) instead"));
                        return;
                    }
                }
                default -> { }
            }
        }
        boolean chunked = false;
        if (codings != null) {
            if (version.equals("HTTP/1.0")) {
                fail(HandshakeFailure.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request"));
                return;
            }
            if (length >= 0) {
                fail(HandshakeFailure.badRequest("both Content-Length and Transfer-Encoding: the request is"
                        + " ambiguous (request smuggling); send one of them"));
                return;
            }
            String[] list = codings.toString().split(",");
            if (list.length != 1 || !list[0].strip().equalsIgnoreCase("chunked")) {
                fail(HandshakeFailure.notImplemented("transfer coding " + LogSafe.quote(codings, 60)
                        + " is not supported; only Transfer-Encoding: chunked is forwarded"));
                return;
            }
            chunked = true;
        }
        // HTTP/1.0 keep-alive ("Connection: keep-alive") is not offered: such a connection ends after its response.
        boolean keepAlive = version.equals("HTTP/1.1") && !close;
        plainRequest = new PlainRequest(method, target, absolute.originForm(), absolute.hostHeader(), version,
                headers, length, chunked, keepAlive);
        state = State.COMPLETE;
    }

    /** A Content-Length value: 1 to {@value #MAX_LENGTH_DIGITS} ASCII digits, else -1. */
    private static long parseLength(String s) {
        if (s.isEmpty() || s.length() > MAX_LENGTH_DIGITS) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(s);
    }

    private void fail(HandshakeFailure f) {
        failure = f;
        state = State.FAILED;
    }

    /** Whether the head is complete. */
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** Bytes consumed so far, the head's size once complete. */
    public int headBytes() {
        return headBytes;
    }

    /** The destination; only after {@link Result#COMPLETE}. */
    public ConnectTarget target() {
        requireComplete();
        return target;
    }

    /** {@code HTTP/1.1} or {@code HTTP/1.0}; only after {@link Result#COMPLETE}. */
    public String version() {
        requireComplete();
        return version;
    }

    /** {@code CONNECT}, or a plain request's method; only after {@link Result#COMPLETE}. */
    public String method() {
        requireComplete();
        return method;
    }

    /**
     * The header fields in order, names in lower case, values without surrounding whitespace, bytes read as
     * ISO-8859-1; only after {@link Result#COMPLETE}.
     */
    public List<Map.Entry<String, String>> headers() {
        requireComplete();
        return List.copyOf(headers);
    }

    /** The first value of a header field (name case-insensitive), or {@code null}; only after COMPLETE. */
    public String header(String name) {
        requireComplete();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The plain-HTTP request, or {@code null} for a CONNECT; only after {@link Result#COMPLETE}. */
    public PlainRequest plainRequest() {
        requireComplete();
        return plainRequest;
    }

    /**
     * Removes the first value of a header field (name case-insensitive) and returns it, or {@code null}; only
     * after COMPLETE. For credentials ({@code Proxy-Authorization}): once taken, the head no longer holds them,
     * so nothing forwards or logs them by mistake.
     */
    public String takeHeader(String name) {
        requireComplete();
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).getKey().equalsIgnoreCase(name)) {
                return headers.remove(i).getValue();
            }
        }
        return null;
    }

    /** Why the head was refused; only after {@link Result#FAILED}. */
    public HandshakeFailure failure() {
        if (state != State.FAILED) {
            throw new IllegalStateException("not failed: " + state);
        }
        return failure;
    }

    private void requireComplete() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("the request head is not complete: " + state);
        }
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** {@code HTTP/} DIGIT [ {@code .} DIGIT ]: HTTP/2 and HTTP/3 are written without a minor version. */
    static boolean isWellFormedVersion(String v) {
        if (!v.startsWith("HTTP/")) {
            return false;
        }
        int n = v.length();
        return (n == 6 && isDigit(v.charAt(5)))
                || (n == 8 && isDigit(v.charAt(5)) && v.charAt(6) == '.' && isDigit(v.charAt(7)));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isToken(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return s.length() > 0;
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(int c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        return "RequestHeadParser[" + state + ", " + headBytes + " bytes" + (target != null ? ", " + target : "") + "]";
    }
}
