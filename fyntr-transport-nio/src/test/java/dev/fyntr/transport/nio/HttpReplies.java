package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses from a raw socket for the plain-HTTP tests: the head, then the body as its framing
 * says (Content-Length, chunked, or until EOF). Reads are bounded by the socket's timeout.
 */
final class HttpReplies {

    /** A response as the client received it. */
    record Reply(String statusLine, List<String> headerLines, byte[] body) {

        int status() {
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        String header(String name) {
            for (String h : headerLines) {
                int colon = h.indexOf(':');
                if (h.substring(0, colon).equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).strip();
                }
            }
            return null;
        }

        boolean hasHeader(String name) {
            return header(name) != null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private HttpReplies() {
    }

    /** Reads one response to a request that was not HEAD. */
    static Reply read(InputStream in) throws IOException {
        return read(in, false);
    }

    /** Reads one response; after HEAD (or for 1xx, 204, 304) there is no body. */
    static Reply read(InputStream in, boolean head) throws IOException {
        String headText = readHead(in);
        if (headText == null) {
            throw new IOException("EOF before a response");
        }
        String[] lines = headText.split("\r\n");
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        Reply r = new Reply(lines[0], headers, new byte[0]);
        int status = r.status();
        if (head || status < 200 || status == 204 || status == 304) {
            return r;
        }
        String te = r.header("transfer-encoding");
        byte[] body;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else if (r.header("content-length") != null) {
            int n = Integer.parseInt(r.header("content-length"));
            body = in.readNBytes(n);
            if (body.length != n) {
                throw new IOException("body cut short: " + body.length + " of " + n);
            }
        } else {
            body = in.readAllBytes();
        }
        return new Reply(lines[0], headers, body);
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) { // trailers, bounded by the socket timeout
                    continue;
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("EOF in a chunked body");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }
}
