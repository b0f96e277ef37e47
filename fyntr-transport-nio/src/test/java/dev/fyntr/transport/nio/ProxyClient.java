package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw-socket client of the proxy: sends a request head and parses the response head. Every read and every write
 * is bounded by the socket's {@code SO_TIMEOUT} (20 s unless a test changes it): write through {@link #out}, never
 * through {@code socket.getOutputStream()}, see {@link BoundedWrites}.
 */
final class ProxyClient implements AutoCloseable {

    final Socket socket;
    /** The socket's output; a write that the proxy does not take in time fails and closes the socket. */
    final OutputStream out;

    ProxyClient(FyntrProxy proxy) throws IOException {
        this(proxy, 0);
    }

    /**
     * @param receiveBufferBytes if {@code > 0}, a fixed receive buffer, set before connecting (so that it applies
     *                           from the SYN; it also switches off the kernel's autotuning)
     */
    ProxyClient(FyntrProxy proxy, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setSoTimeout(20_000); // every read is bounded: a hung proxy fails the test, not the build
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(TestServers.LOOPBACK, proxy.port()), 10_000);
        out = BoundedWrites.outputOf(socket);
    }

    ProxyClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    ProxyClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    /** Sends {@code CONNECT target HTTP/1.1} and returns the parsed response head. */
    Response connect(String target) throws IOException {
        send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
        return readResponse();
    }

    /** Reads a response head, and for non-200 answers the body of Content-Length bytes. */
    Response readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        // Bounded by the 64 KiB cap: a response head is a few hundred bytes.
        while (head.size() < 65536) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF after " + head.size() + " bytes of response head: " + head);
            }
            head.write(b);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String body = "";
        if (headers.containsKey("content-length")) {
            body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
        }
        return new Response(Integer.parseInt(statusLine[1]), lines[0], headers, body, text);
    }

    /** Reads until EOF (bounded by the socket timeout). */
    byte[] readToEnd() throws IOException {
        return socket.getInputStream().readAllBytes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "proxy client " + socket.getLocalSocketAddress() + " -> " + socket.getRemoteSocketAddress();
    }

    record Response(int status, String statusLine, Map<String, String> headers, String body, String head) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }
}
