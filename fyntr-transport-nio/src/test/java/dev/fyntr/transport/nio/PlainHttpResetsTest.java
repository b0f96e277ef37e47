package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Resets at every state of a plain-HTTP exchange, from the client and from the origin, and a storm of concurrent
 * keep-alive clients: afterwards no connection, no buffer and no pooled connection that should be gone is left.
 */
class PlainHttpResetsTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private static void reset(Socket s) throws Exception {
        s.setSoLinger(true, 0);
        s.close();
    }

    private static void assertNothingLeft(FyntrProxy proxy) {
        Fixtures.await("no connection left", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0
                && proxy.stats().openHandshakes() == 0);
        Fixtures.await("no buffer left", Duration.ofSeconds(10), () -> proxy.stats().memory().usedBytes() == 0
                && proxy.stats().queuedBytes() == 0);
    }

    @ParameterizedTest(name = "client resets {0}")
    @ValueSource(strings = {"in the head", "while the origin thinks", "in the body", "in the response"})
    void shouldReleaseEverythingWhenTheClientResets(String when) throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        closer.add(answer::countDown);
        byte[] big = new byte[4 << 20];
        Origin origin = closer.add(new Origin(r -> {
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + big.length];
            System.arraycopy(head, 0, all, 0, head.length);
            return new Origin.Reply(all, false);
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        ProxyClient c = new ProxyClient(proxy, 16 * 1024);
        String url = "http://127.0.0.1:" + origin.port() + "/";
        switch (when) {
            case "in the head" -> {
                c.send("GET " + url + " HTTP/1.1\r\nX-Half: ");
                Fixtures.await("head started", Duration.ofSeconds(10), () -> proxy.stats().openHandshakes() == 1);
            }
            case "while the origin thinks" -> {
                c.send("GET " + url + " HTTP/1.1\r\n\r\n");
                origin.take();
            }
            case "in the body" -> {
                c.send("POST " + url + " HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
                c.send(new byte[100_000]);
                Fixtures.await("body flowing", Duration.ofSeconds(10), () -> proxy.stats().bytesUpstream() > 50_000);
            }
            default -> {
                c.send("GET " + url + " HTTP/1.1\r\n\r\n");
                answer.countDown();
                Fixtures.await("response flowing", Duration.ofSeconds(10),
                        () -> proxy.stats().bytesDownstream() > 0);
            }
        }
        reset(c.socket);
        answer.countDown();
        assertNothingLeft(proxy);
    }

    @ParameterizedTest(name = "origin resets {0}")
    @ValueSource(strings = {"before answering", "in the response"})
    void shouldReleaseEverythingWhenTheOriginResets(String when) throws Exception {
        TestServers.Server origin = closer.add(new TestServers.Server(s -> {
            InputStream in = s.getInputStream();
            HttpReplies.readHead(in);
            if (when.equals("in the response")) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            s.setSoLinger(true, 0);
            s.close();
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\n\r\n");
            InputStream in = c.socket.getInputStream();
            if (when.equals("before answering")) {
                HttpReplies.Reply r = HttpReplies.read(in);
                assertEquals(502, r.status(), r.text());
            } else {
                try {
                    HttpReplies.read(in);
                    throw new AssertionError("a cut response must not look complete");
                } catch (java.io.IOException expected) {
                    // reset or cut short: the client sees a failure
                }
            }
        }
        assertNothingLeft(proxy);
    }

    @Test
    void shouldCarryAStormOfKeepAliveClientsIntact() throws Exception {
        Origin origin = closer.add(new Origin(r -> Origin.Reply.ok(r.target())));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        ExecutorService pool = Executors.newFixedThreadPool(32);
        closer.add(pool::shutdownNow);
        List<Future<Integer>> done = new ArrayList<>();
        for (int client = 0; client < 64; client++) {
            int id = client;
            done.add(pool.submit(() -> {
                try (ProxyClient c = new ProxyClient(proxy)) {
                    InputStream in = c.socket.getInputStream();
                    for (int i = 0; i < 5; i++) {
                        String path = "/c" + id + "/r" + i;
                        c.send("GET http://127.0.0.1:" + origin.port() + path + " HTTP/1.1\r\n\r\n");
                        assertEquals(path, HttpReplies.read(in).text());
                    }
                }
                return 5;
            }));
        }
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(320, total);
        assertNothingLeft(proxy);
    }
}
