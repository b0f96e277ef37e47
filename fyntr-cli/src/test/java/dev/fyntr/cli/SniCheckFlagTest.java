package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --sni-check}: its usage errors, the summary, and its effect on the proxy the command configures (a
 * ClientHello naming a host on a CONNECT to an IP literal). Only 127.0.0.1, never DNS.
 */
class SniCheckFlagTest {

    private static final int TIMEOUT_MS = 20_000;

    /** The CONNECT destination: accepts one connection at a time. */
    private ServerSocket destination;

    @BeforeEach
    void openDestination() throws IOException {
        destination = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        destination.setSoTimeout(TIMEOUT_MS);
    }

    @AfterEach
    void closeDestination() throws IOException {
        destination.close();
    }

    @Test
    void shouldListTheModesForABadValueFromTheFlagOrTheVariable() {
        Cli.Result flag = Cli.run("--dry-run", "--sni-check", "strict");
        assertEquals(FyntrCli.EXIT_USAGE, flag.status(), flag.err());
        assertEquals(List.of("fyntr: invalid value for --sni-check: 'strict' is not an SNI check; accepted: "
                + "off|warn|enforce (warn logs a ClientHello naming another host than the CONNECT, enforce also "
                + "resets the tunnel)", FyntrCli.USAGE_HINT), flag.errLines());
        Cli.Result variable = Cli.run(Map.of("FYNTR_SNI_CHECK", "on"), "--dry-run");
        assertEquals(FyntrCli.EXIT_USAGE, variable.status(), variable.err());
        assertTrue(variable.errLines().get(0).startsWith("fyntr: invalid value for FYNTR_SNI_CHECK (--sni-check): "
                + "'on' is not an SNI check"), variable.err());
        // Keywords are ASCII, as for the other flags: letters of other scripts are refused, never folded.
        Cli.Result fullWidth = Cli.run("--dry-run", "--sni-check", "\uff4f\uff46\uff46");
        assertEquals(FyntrCli.EXIT_USAGE, fullWidth.status(), fullWidth.err());
        assertTrue(fullWidth.errLines().get(0).contains("is not an SNI check"), fullWidth.err());
    }

    @Test
    void shouldShowTheModeInTheSummaryInAnyCase() {
        Cli.Result r = Cli.run(Map.of("FYNTR_SNI_CHECK", "Off"), "--dry-run");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(", sni-check off,"), r.out());
        assertTrue(Cli.run("--dry-run", "--sni-check", " ENFORCE ").out().contains(", sni-check enforce,"));
    }

    @Test
    void shouldResetATunnelWhoseClientHelloNamesAHostOnEnforce() throws Exception {
        byte[] hello = clientHello("named.test");
        try (FyntrProxy proxy = start("--sni-check", "enforce");
             Socket client = connect(proxy.port())) {
            client.getOutputStream().write(hello);
            try (Socket upstream = destination.accept()) {
                upstream.setSoTimeout(TIMEOUT_MS);
                assertEndsWithoutData(upstream.getInputStream());
            }
            assertEndsWithoutData(client.getInputStream());
        }
    }

    @Test
    void shouldForwardTheSameClientHelloWhenOff() throws Exception {
        // The control for the test above: the same tunnel and bytes, the check off.
        byte[] hello = clientHello("named.test");
        try (FyntrProxy proxy = start("--sni-check", "off");
             Socket client = connect(proxy.port())) {
            client.getOutputStream().write(hello);
            try (Socket upstream = destination.accept()) {
                upstream.setSoTimeout(TIMEOUT_MS);
                assertArrayEquals(hello, upstream.getInputStream().readNBytes(hello.length));
            }
        }
    }

    private static void assertEndsWithoutData(InputStream in) throws IOException {
        try {
            assertEquals(-1, in.read(), "no byte may pass");
        } catch (SocketException e) {
            // a reset
        }
    }

    /** Starts the proxy the command would, on any free port, allowing CONNECTs to the local destination. */
    private FyntrProxy start(String... flags) throws Exception {
        String[] common = {"--port", "0", "--allow-cidr", "127.0.0.1/32", "--allow-port",
            String.valueOf(destination.getLocalPort()), "--shutdown-grace", "0"};
        String[] args = new String[flags.length + common.length];
        System.arraycopy(flags, 0, args, 0, flags.length);
        System.arraycopy(common, 0, args, flags.length, common.length);
        FyntrCommand o = FyntrCli.parse(args, Map.of()).options();
        return FyntrCli.configure(o, InetAddress.getLoopbackAddress(), null).start();
    }

    /** A client socket whose CONNECT to the destination's IP literal has been answered 200. */
    private Socket connect(int proxyPort) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        String target = "127.0.0.1:" + destination.getLocalPort();
        OutputStream out = s.getOutputStream();
        out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        InputStream in = s.getInputStream();
        while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        return s;
    }

    /** The JDK TLS client's first bytes, its ClientHello naming {@code name}. */
    private static byte[] clientHello(String name) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        for (int i = 0; i < 16; i++) { // bounded: one wrap, after a few delegated tasks at most
            SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
            if (r.bytesProduced() > 0) {
                byte[] hello = new byte[out.flip().remaining()];
                out.get(hello);
                return hello;
            }
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }
        throw new AssertionError("no ClientHello");
    }
}
