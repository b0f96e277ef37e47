package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * How the load tool reaches its own servers: directly, or through an HTTP CONNECT proxy. A route opens
 * blocking sockets with timeouts on every step, so that no scenario can hang.
 *
 * @param proxy     the proxy's address, or {@code null} for a direct connection
 * @param timeoutMs connect and read timeout of every socket
 */
public record Route(InetSocketAddress proxy, int timeoutMs) {

    /** A direct route. */
    public static Route direct(int timeoutMs) {
        return new Route(null, timeoutMs);
    }

    /** A route through the CONNECT proxy at {@code proxy}. */
    public static Route via(InetSocketAddress proxy, int timeoutMs) {
        return new Route(proxy, timeoutMs);
    }

    /** "direct" or "proxy". */
    public String label() {
        return proxy == null ? "direct" : "proxy";
    }

    /**
     * A connected socket whose bytes reach {@code target}: for a proxy, after {@code CONNECT} was answered
     * with 200 (any bytes after the answer's blank line would be the target's, and none are expected here).
     *
     * @throws IOException on connect failure, timeout, or a non-200 answer (its status line is in the message)
     */
    public Socket open(InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        boolean ok = false;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(proxy == null ? target : proxy, timeoutMs);
            if (proxy != null) {
                handshake(socket, target);
            }
            ok = true;
            return socket;
        } finally {
            if (!ok) {
                socket.close();
            }
        }
    }

    private static void handshake(Socket socket, InetSocketAddress target) throws IOException {
        String authority = target.getAddress().getHostAddress() + ":" + target.getPort();
        OutputStream out = socket.getOutputStream();
        out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Read the answer's head byte by byte so that no tunnel byte is consumed; bounded to 8 KiB.
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("proxy closed the connection during CONNECT; got: " + firstLine(head));
            }
            head.append((char) b);
            if (head.length() > 8192) {
                throw new IOException("proxy answer head longer than 8 KiB");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String status = firstLine(head);
        if (!status.matches("HTTP/1\\.[01] 200( .*)?")) {
            throw new IOException("CONNECT " + authority + " refused: " + status);
        }
    }

    private static String firstLine(CharSequence head) {
        String s = head.toString();
        int eol = s.indexOf('\r');
        return eol < 0 ? s : s.substring(0, eol);
    }
}
