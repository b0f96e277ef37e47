package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw-socket SOCKS5 client for tests: every step explicit, every read and write bounded by the socket timeout
 * (writes through {@link #out}, see {@link BoundedWrites}).
 */
final class SocksClient implements AutoCloseable {

    /** A parsed SOCKS5 reply: the code and the bound address it carries. */
    record Reply(int code, InetSocketAddress bound) {
    }

    final Socket socket;
    final DataInputStream in;
    /** The socket's output; a write that the proxy does not take in time fails and closes the socket. */
    final OutputStream out;

    SocksClient(FyntrProxy proxy) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        socket.connect(proxy.socks5Address().orElseThrow(), 10_000);
        in = new DataInputStream(socket.getInputStream());
        out = BoundedWrites.outputOf(socket);
    }

    SocksClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    byte[] read(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Sends the no-auth greeting and checks the {@code 05 00} answer. */
    SocksClient greet() throws IOException {
        send(new byte[] {5, 1, 0});
        byte[] r = read(2);
        if (r[0] != 5 || r[1] != 0) {
            throw new IOException("unexpected method selection " + r[0] + " " + r[1]);
        }
        return this;
    }

    /** RFC 1929: {@code 01 ULEN UNAME PLEN PASSWD}. */
    static byte[] credentials(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(u.length);
        out.writeBytes(u);
        out.write(p.length);
        out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] domainRequest(String name, int port) {
        return request(1, 3, name.getBytes(StandardCharsets.UTF_8), port);
    }

    static byte[] addressRequest(InetAddress address, int port) {
        return request(1, address.getAddress().length == 4 ? 1 : 4, address.getAddress(), port);
    }

    static byte[] request(int command, int addressType, byte[] address, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, (byte) command, 0, (byte) addressType});
        if (addressType == 3) {
            out.write(address.length);
        }
        out.writeBytes(address);
        out.writeBytes(new byte[] {(byte) (port >>> 8), (byte) port});
        return out.toByteArray();
    }

    /** Reads one request reply. */
    Reply readReply() throws IOException {
        byte[] head = read(4);
        if (head[0] != 5) {
            throw new IOException("not a SOCKS5 reply: version " + head[0]);
        }
        int length = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            default -> throw new IOException("unexpected ATYP " + head[3]);
        };
        InetAddress address = InetAddress.getByAddress(read(length));
        int port = in.readUnsignedShort();
        return new Reply(head[1] & 0xFF, new InetSocketAddress(address, port));
    }

    /** Greets, asks for {@code name:port}, returns the reply. */
    Reply connect(String name, int port) throws IOException {
        return greet().send(domainRequest(name, port)).readReply();
    }

    /** Whether the proxy closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByProxy() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // a reset is a close too
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "SOCKS5 client " + socket.getLocalSocketAddress() + " -> " + socket.getRemoteSocketAddress();
    }
}
