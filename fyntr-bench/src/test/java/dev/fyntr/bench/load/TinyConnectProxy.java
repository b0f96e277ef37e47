package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only: the smallest CONNECT proxy that lets the load tool's proxy path run before the real transport
 * exists. Thread per direction; only 127.0.0.1 targets; answers 403 when {@code refuse} is set.
 */
final class TinyConnectProxy implements AutoCloseable {

    private final ServerSocket server;
    private final boolean refuse;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TinyConnectProxy(boolean refuse) throws IOException {
        this.refuse = refuse;
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tiny-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "tiny-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n") && head.length() < 8192) {
                int b = in.read();
                if (b < 0) {
                    client.close();
                    return;
                }
                head.append((char) b);
            }
            String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
            String authority = requestLine[1];
            int colon = authority.lastIndexOf(':');
            OutputStream out = client.getOutputStream();
            if (refuse || !authority.substring(0, colon).equals("127.0.0.1")) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(authority.substring(colon + 1)));
            open.add(upstream);
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread up = new Thread(() -> pump(client, upstream), "tiny-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream, client);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // the other pump or close() ends the tunnel
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
