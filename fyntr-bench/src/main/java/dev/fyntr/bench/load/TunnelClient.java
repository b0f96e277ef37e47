package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Opens tunnels through an HTTP CONNECT proxy to a host <em>name</em> or address, with a timeout on every step,
 * and reports a refusal with its status and its {@code Proxy-Status} error (RFC 9209), e.g. 502 {@code dns_timeout}.
 *
 * @param proxy     the proxy's address
 * @param timeoutMs connect timeout, and read timeout of the returned socket
 */
record TunnelClient(InetSocketAddress proxy, int timeoutMs) {

    /** The proxy answered CONNECT with something other than 200. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        final int status;
        /** The {@code error=} token of {@code Proxy-Status}, or {@code ""} when there was none. */
        final String error;

        Refused(String authority, int status, String error, String statusLine) {
            super("CONNECT " + authority + " refused: " + statusLine + (error.isEmpty() ? "" : " (" + error + ")"));
            this.status = status;
            this.error = error;
        }
    }

    /** As {@link #open(String, int, int)} with the system's send buffer size. */
    Socket open(String host, int port) throws IOException {
        return open(host, port, 0);
    }

    /**
     * A connected socket whose bytes reach {@code host:port}, once the proxy answered 200.
     *
     * @param sendBufferBytes SO_SNDBUF set before connecting, or 0 for the system's default
     * @throws Refused     on an answer other than 200
     * @throws IOException on connect failure, timeout, or a malformed answer
     */
    Socket open(String host, int port, int sendBufferBytes) throws IOException {
        Socket socket = new Socket();
        boolean ok = false;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            if (sendBufferBytes > 0) {
                socket.setSendBufferSize(sendBufferBytes);
            }
            socket.connect(proxy, timeoutMs);
            handshake(socket, host + ":" + port);
            ok = true;
            return socket;
        } finally {
            if (!ok) {
                socket.close();
            }
        }
    }

    private static void handshake(Socket socket, String authority) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(socket.getInputStream(), authority);
        String[] lines = head.split("\r\n");
        String statusLine = lines[0];
        if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
            throw new IOException("CONNECT " + authority + ": malformed answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        if (status != 200) {
            String error = "";
            for (String line : lines) {
                if (line.toLowerCase(Locale.ROOT).startsWith("proxy-status:")) {
                    int at = line.indexOf("error=");
                    if (at >= 0) {
                        error = line.substring(at + "error=".length()).split("[;,\\s]", 2)[0];
                    }
                }
            }
            throw new Refused(authority, status, error, statusLine);
        }
    }

    /** The answer's head up to its blank line, read byte by byte so that no tunnel byte is consumed; at most 8 KiB. */
    private static String readHead(InputStream in, String authority) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("CONNECT " + authority + ": the proxy closed the connection during the "
                        + "handshake after " + head.length() + " bytes");
            }
            head.append((char) b);
            if (head.length() > 8192) {
                throw new IOException("CONNECT " + authority + ": answer head longer than 8 KiB");
            }
        }
        return head.toString();
    }
}
