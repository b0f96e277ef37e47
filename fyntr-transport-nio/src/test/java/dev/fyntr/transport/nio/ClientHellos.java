package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS ClientHellos for the SNI tests: the JDK's own (a client-mode {@link SSLEngine}'s first flight) and hand-made
 * ones whose fields a test chooses. Public so that the unit tests of other packages can use it.
 */
public final class ClientHellos {

    private ClientHellos() {
    }

    /**
     * The first bytes the JDK's TLS client sends: its ClientHello in one or more records, naming {@code serverName}
     * in the server_name extension, or without that extension when it is {@code null}.
     */
    public static byte[] jdk(String serverName) throws GeneralSecurityException, SSLException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(); // no peer host: no name unless we give one
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        // Bounded: the first flight is one wrap, after at most a few delegated tasks.
        for (int i = 0; i < 16; i++) {
            SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
            if (r.bytesProduced() > 0) {
                out.flip();
                byte[] hello = new byte[out.remaining()];
                out.get(hello);
                return hello;
            }
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }
        throw new AssertionError("the SSLEngine produced no ClientHello");
    }

    /**
     * The handshake payload of one or more TLS records (what follows each 5-byte header), concatenated: the
     * ClientHello message itself.
     */
    public static byte[] handshakeMessages(byte[] records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < records.length; ) {
            int length = (records[at + 3] & 0xFF) << 8 | (records[at + 4] & 0xFF);
            out.write(records, at + 5, length);
            at += 5 + length;
        }
        return out.toByteArray();
    }

    /** Handshake message bytes in TLS handshake records of at most {@code perRecord} payload bytes each. */
    public static byte[] inRecords(byte[] messages, int perRecord) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < messages.length; at += perRecord) {
            int n = Math.min(perRecord, messages.length - at);
            out.write(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n}, 0, 5);
            out.write(messages, at, n);
        }
        return out.toByteArray();
    }

    /** A minimal ClientHello in one record, with the given extensions (each from {@link #extension}). */
    public static byte[] handMade(byte[]... extensions) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(3);                                // legacy_version TLS 1.2
        body.write(new byte[32], 0, 32);              // random
        body.write(0);                                // empty session id
        body.write(new byte[] {0, 2, 0x13, 0x01}, 0, 4); // one cipher suite
        body.write(new byte[] {1, 0}, 0, 2);          // compression: null
        ByteArrayOutputStream exts = new ByteArrayOutputStream();
        for (byte[] e : extensions) {
            exts.write(e, 0, e.length);
        }
        if (extensions.length > 0) {
            body.write(exts.size() >> 8);
            body.write(exts.size());
            body.write(exts.toByteArray(), 0, exts.size());
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(1);
        message.write(body.size() >> 16);
        message.write(body.size() >> 8);
        message.write(body.size());
        message.write(body.toByteArray(), 0, body.size());
        return inRecords(message.toByteArray(), 16_384);
    }

    /** An extension: type, length, data. */
    public static byte[] extension(int type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type >> 8);
        out.write(type);
        out.write(data.length >> 8);
        out.write(data.length);
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    /** A server_name extension holding these host names (RFC 6066), as raw text. */
    public static byte[] serverName(String... hostNames) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String h : hostNames) {
            byte[] b = h.getBytes(StandardCharsets.ISO_8859_1);
            list.write(0);
            list.write(b.length >> 8);
            list.write(b.length);
            list.write(b, 0, b.length);
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(list.size() >> 8);
        data.write(list.size());
        data.write(list.toByteArray(), 0, list.size());
        return extension(0, data.toByteArray());
    }
}
