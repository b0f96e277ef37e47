package dev.fyntr.transport.nio.internal.forward;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Incremental parser of one upstream response head ({@code HTTP/1.1 200 OK} and its header fields), fed with
 * whatever bytes have arrived: it consumes bytes up to the blank line and never further, so the buffer's remaining
 * bytes are the body's first. The head is bounded ({@value #MAX_HEAD_BYTES} bytes, {@value #MAX_FIELDS} fields);
 * obsolete line folding, a missing colon, whitespace before a colon, control characters and a malformed status line
 * are errors (the client then gets a 502). One instance per response, one thread.
 */
final class ResponseHead {

    /**
     * The largest response head: one buffer's worth, twice nginx's default {@code proxy_buffer_size}. It is heap held
     * while the head arrives, so it bounds what a slow origin can make each connection hold.
     */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_FIELDS = 200;

    enum Result { NEED_MORE, COMPLETE, FAILED }

    private byte[] bytes = new byte[512];
    private int length;
    private boolean complete;
    private String error;

    private String version;
    private int status;
    private String reason;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();

    /** Consumes bytes from {@code in} up to the end of the head, or all of them. */
    Result feed(ByteBuffer in) {
        while (in.hasRemaining() && !complete && error == null) {
            byte b = in.get();
            if (length == bytes.length) {
                if (length == MAX_HEAD_BYTES) {
                    error = "the response head is larger than " + MAX_HEAD_BYTES + " bytes";
                    break;
                }
                bytes = Arrays.copyOf(bytes, Math.min(MAX_HEAD_BYTES, 2 * length));
            }
            bytes[length++] = b;
            if (b == '\n' && endsHead()) {
                complete = true;
                parse();
                bytes = null; // parsed: only the fields are kept
            }
        }
        return error != null ? Result.FAILED : complete ? Result.COMPLETE : Result.NEED_MORE;
    }

    /** A blank line just ended: CRLF CRLF, or LF LF (bare LF accepted from an upstream, as browsers do). */
    private boolean endsHead() {
        int n = length; // bytes[n - 1] is the LF just stored
        return (n >= 2 && bytes[n - 2] == '\n') || (n >= 3 && bytes[n - 2] == '\r' && bytes[n - 3] == '\n');
    }

    private void parse() {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                lines.add(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        // The last line is the blank one; leading blank lines are not allowed in a response.
        String statusLine = lines.get(0);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                || !Character.isDigit(statusLine.charAt(7)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            error = "malformed status line";
            return;
        }
        version = statusLine.substring(0, 8);
        for (int i = 9; i < 12; i++) {
            if (statusLine.charAt(i) < '0' || statusLine.charAt(i) > '9') {
                error = "malformed status code";
                return;
            }
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        if (status < 100) {
            error = "status code below 100";
            return;
        }
        reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        if (hasControl(reason)) {
            error = "control character in the reason phrase";
            return;
        }
        if (lines.size() - 2 > MAX_FIELDS) {
            error = "more than " + MAX_FIELDS + " header fields";
            return;
        }
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                error = "obsolete line folding or an empty line in the response head";
                return;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                error = "malformed header field";
                return;
            }
            String value = line.substring(colon + 1).strip();
            if (hasControl(value)) {
                error = "control character in a header field";
                return;
            }
            headers.add(Map.entry(line.substring(0, colon).toLowerCase(Locale.ROOT), value));
        }
    }

    private static boolean isToken(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    String error() {
        return error;
    }

    /** {@code HTTP/1.1} or {@code HTTP/1.0} (any {@code HTTP/1.x}). */
    String version() {
        return version;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** Every value of a field (lower-case name), joined with commas, or {@code null}. */
    String joined(String name) {
        StringBuilder sb = null;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equals(name)) {
                sb = sb == null ? new StringBuilder(h.getValue()) : sb.append(',').append(h.getValue());
            }
        }
        return sb == null ? null : sb.toString();
    }
}
