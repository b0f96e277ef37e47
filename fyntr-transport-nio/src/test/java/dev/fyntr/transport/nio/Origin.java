package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A raw HTTP/1.1 origin server on 127.0.0.1 for the plain-HTTP tests: it reads each request (head, and a body by
 * Content-Length or chunked), records it, and answers with whatever bytes the test's responder returns, on a
 * kept-alive connection unless the responder says otherwise. Every read is bounded by a 20 s timeout, and every
 * thread is a daemon that ends when the server closes.
 */
final class Origin implements AutoCloseable {

    /** A request as the origin received it. */
    record Request(int connection, String requestLine, List<String> headerLines, byte[] body, String rawHead) {

        String method() {
            return requestLine.split(" ")[0];
        }

        String target() {
            return requestLine.split(" ")[1];
        }

        /** The first value of a header (case-insensitive name), or null. */
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
    }

    /** What to send back, and whether to close the connection after it. */
    record Reply(byte[] bytes, boolean close) {

        static Reply of(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), false);
        }

        static Reply ok(String body) {
            return of("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body);
        }
    }

    private final ServerSocket server;
    private final Function<Request, Reply> responder;
    final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    Origin(Function<Request, Reply> responder) throws IOException {
        this.responder = responder;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(TestServers.LOOPBACK, 0), 50);
        Thread t = new Thread(this::acceptLoop, "origin-accept");
        t.setDaemon(true);
        t.start();
    }

    /** An origin that answers every request 200 with a body naming its method and target. */
    static Origin echoing() throws IOException {
        return new Origin(r -> Reply.ok(r.method() + " " + r.target()));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Connections the proxy closed between requests (EOF where a request would start). */
    int closedByPeer() {
        return closedByPeer.get();
    }

    /** The next request received, waiting up to 10 s. */
    Request take() throws InterruptedException {
        Request r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the origin received no request within 10 s");
        }
        return r;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (sockets) {
                    sockets.add(s);
                }
                int n = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, n), "origin-conn-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                String[] lines = head.split("\r\n");
                List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
                Request r = new Request(connection, lines[0], headers, null, head);
                byte[] body = readBody(in, r);
                r = new Request(connection, lines[0], headers, body, head);
                requests.add(r);
                Reply reply = responder.apply(r);
                out.write(reply.bytes());
                out.flush();
                if (reply.close()) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // the test is over or stuck: the thread ends
        } catch (IOException e) {
            // the proxy closed or reset: fine for a test server
        }
    }

    /** The head without its blank line, or null at EOF before any byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
            if (head.size() > 65536) {
                throw new IOException("head too large");
            }
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    private static byte[] readBody(InputStream in, Request r) throws IOException {
        String te = r.header("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
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
        String cl = r.header("content-length");
        return cl == null ? new byte[0] : in.readNBytes(Integer.parseInt(cl));
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

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
