package dev.fyntr.bench.load;

import dev.fyntr.bench.load.SoakTally.Outcome;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * The soak's traffic: one set of driver threads per kind of load, all through one proxy, each tunnel's end
 * counted in a {@link SoakTally}. {@link #start} and {@link #stop} may be called again for a second phase.
 *
 * <ul>
 * <li><b>storm</b>: every {@code stormEvery}, {@code stormTunnels} tunnels opened at once to the echo server
 *     (every 4th by a {@code *.test} name), held until all are open, each echoing 2–8 KiB, every byte compared.</li>
 * <li><b>bulk</b>: {@code bulk} tunnels each uploading ¼–1 × {@code bulkMaxMib} (32–128 MiB by default) flat out
 *     to the {@link HashSinkServer}, then a CRC32C and length check end to end; 1–4 s pause between uploads.</li>
 * <li><b>echo</b>: {@code interactive} tunnels doing 64 B round trips every 20 ms (250 per tunnel), timed.</li>
 * <li><b>stall</b>: {@code stalls} tunnels uploading into the {@link StallServer}, which never reads; each
 *     writes until it stalls, is held 5–25 s more, then closed by us (a reset or an orderly close, at random)
 *     unless the server resets it first (it holds each connection 20–60 s).</li>
 * <li><b>client-reset</b> and <b>server-reset</b> ({@code resetters} of each): echo transfers of up to 1 MiB that
 *     the client resets (SO_LINGER 0) at a random point, or that the {@link ResetServer} resets after a random
 *     number of bytes while the client is still sending.</li>
 * <li><b>never-name</b>: {@code neverNames} clients asking for {@code nK.never.test}, which never resolves; the
 *     proxy must answer 502 {@code dns_timeout} after its resolve timeout.</li>
 * </ul>
 */
final class SoakLoad {

    /** What the drivers are configured with. */
    record Settings(int stormTunnels, long stormEveryMs, int bulk, int bulkMaxMib, int interactive, int stalls,
                    int resetters, int neverNames, long seed, int timeoutMs) {
    }

    /** The servers' ports, all on 127.0.0.1. */
    record Targets(InetSocketAddress proxy, int echoPort, int sinkPort, int stallPort, int resetPort) {
    }

    static final String LOOPBACK = "127.0.0.1";
    private static final int STEP = 8 * 1024;
    private static final int SPAN = 1 << 20;
    /** Random bytes everything is cut from: offsets below {@link #SPAN}, lengths up to {@link #SPAN}. */
    private static final int DATA_BYTES = 2 * SPAN + 64 * 1024;
    /**
     * A stalled upload that got this far was not held back: what the buffers on the way may hold at most. The
     * kernel's are the big ones: the proxy's client socket may grow its receive buffer to {@code tcp_rmem}'s
     * maximum (Fyntr leaves autotuning on), and its upstream socket its send buffer to {@code tcp_wmem}'s; then
     * Fyntr's own queue (256 KiB), and the small buffers of our client and of the stall server, plus slack.
     */
    static final long MAX_STALL_BYTES = kernelBufferMax("tcp_rmem", 6 << 20) + kernelBufferMax("tcp_wmem", 4 << 20)
            + (4L << 20);
    private static final long STALLED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A stalled upload's whole life, filling the buffers and the hold included. */
    private static final long STALL_BOUND_MS = 120_000;
    private static final int ECHO_ROUNDS = 250;

    private final Settings s;
    private final Targets t;
    private final SoakTally tally;
    private final TunnelClient client;
    private final TunnelClient patientClient;
    private final Watchdog watchdog = new Watchdog();
    private final byte[] data = new byte[DATA_BYTES];
    private final List<Thread> drivers = new ArrayList<>();
    private final Set<Watchdog.Guard> stallGuards = ConcurrentHashMap.newKeySet();
    private final Object pauses = new Object();
    private volatile boolean stopping;
    private int phase;

    SoakLoad(Settings s, Targets t, SoakTally tally) {
        this.s = s;
        this.t = t;
        this.tally = tally;
        this.client = new TunnelClient(t.proxy(), s.timeoutMs());
        // A name that never resolves is answered after the proxy's resolve timeout (5 s): wait longer than that.
        this.patientClient = new TunnelClient(t.proxy(), Math.max(s.timeoutMs(), 20_000));
        new Random(s.seed()).nextBytes(data);
    }

    /** Starts every driver. */
    synchronized void start() {
        stopping = false;
        phase++;
        long base = s.seed() * 1_000_003L + phase * 7919L;
        spawn("soak-storm", () -> stormDriver(new Random(base)));
        for (int i = 0; i < s.bulk(); i++) {
            Random r = new Random(base + 100 + i);
            spawn("soak-bulk-" + i, () -> bulkDriver(r));
        }
        for (int i = 0; i < s.interactive(); i++) {
            Random r = new Random(base + 200 + i);
            spawn("soak-echo-" + i, () -> echoDriver(r));
        }
        for (int i = 0; i < s.stalls(); i++) {
            Random r = new Random(base + 300 + i);
            spawn("soak-stall-" + i, () -> stallDriver(r));
        }
        for (int i = 0; i < s.resetters(); i++) {
            Random a = new Random(base + 1300 + i);
            Random b = new Random(base + 2300 + i);
            spawn("soak-client-reset-" + i, () -> clientResetDriver(a));
            spawn("soak-server-reset-" + i, () -> serverResetDriver(b));
        }
        for (int i = 0; i < s.neverNames(); i++) {
            Random r = new Random(base + 3300 + i);
            spawn("soak-never-" + i, () -> neverNameDriver(r));
        }
    }

    private void spawn(String name, Runnable r) {
        Thread th = new Thread(null, r, name, 512 * 1024);
        th.setDaemon(true);
        drivers.add(th);
        th.start();
    }

    /**
     * Stops every driver: pauses end, stalled uploads are closed, tunnels in progress finish (each is bounded by
     * its watchdog). Returns the names of drivers still running after {@code boundMs}.
     */
    synchronized List<String> stop(long boundMs) {
        stopping = true;
        synchronized (pauses) {
            pauses.notifyAll();
        }
        for (Watchdog.Guard g : stallGuards) {
            g.fire();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        List<String> stuck = new ArrayList<>();
        for (Thread th : drivers) {
            try {
                th.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (th.isAlive()) {
                stuck.add(th.getName());
            }
        }
        drivers.clear();
        return stuck;
    }

    /** Ends the watchdog's thread; call after the last {@link #stop}. */
    void close() {
        watchdog.close();
    }

    // ---------------------------------------------------------------- drivers

    private void stormDriver(Random r) {
        int round = 0;
        long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
        while (pauseUntil(next)) {
            next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.stormEveryMs());
            storm(round++, r.nextLong());
        }
    }

    private void storm(int round, long seed) {
        int n = s.stormTunnels();
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch opened = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            AtomicBoolean counted = new AtomicBoolean();
            Runnable isOpen = () -> {
                if (counted.compareAndSet(false, true)) {
                    opened.countDown();
                }
            };
            Thread th = new Thread(null, () -> {
                try {
                    ready.countDown();
                    if (go.await(s.timeoutMs(), TimeUnit.MILLISECONDS)) {
                        stormTunnel(index, new Random(seed + index), isOpen, opened);
                    } else {
                        tally.unexpected("storm", "start gate timed out", "round " + round);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    isOpen.run(); // a tunnel that failed to open no longer holds the others back
                    done.countDown();
                }
            }, "soak-storm-" + round + "-" + i, 256 * 1024);
            th.setDaemon(true);
            th.start();
        }
        try {
            ready.await(s.timeoutMs(), TimeUnit.MILLISECONDS);
            go.countDown();
            // Every tunnel ends within its open timeout plus its watchdog, so this bound is never the one that acts.
            done.await(3L * s.timeoutMs() + 60_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One storm tunnel: {@code isOpen} counts it in {@code opened}, which counts the storm's open tunnels. */
    private void stormTunnel(int index, Random r, Runnable isOpen, CountDownLatch opened) {
        String host = index % 4 == 0 ? "storm-" + (index % 16) + ".test" : LOOPBACK;
        int bytes = 2048 + r.nextInt(6 * 1024 + 1);
        int off = r.nextInt(SPAN);
        tunnel("storm", host, t.echoPort(), 0, 30_000 + s.timeoutMs(), false, (sock, g) -> {
            isOpen.run();
            try {
                // Hold every tunnel of the storm open at once before any traffic (bounded; late ones just go on).
                opened.await(s.timeoutMs(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Result.ok(echo(sock, off, bytes, 1024));
        });
    }

    private void bulkDriver(Random r) {
        int k = 0;
        while (!stopping) {
            long max = (long) s.bulkMaxMib() << 20;
            long size = max / 4 + (long) (r.nextDouble() * (max - max / 4));
            int start = r.nextInt(SPAN);
            String host = k++ % 2 == 0 ? LOOPBACK : "bulk.test";
            tunnel("bulk", host, t.sinkPort(), 0, 120_000 + size / 1_000, false, (sock, g) -> upload(sock, size, start));
            pause(1_000 + r.nextInt(3_000));
        }
    }

    /** Uploads {@code size} bytes flat out, half-closes, and compares the sink's length and CRC32C with ours. */
    private Result upload(Socket sock, long size, int start) throws IOException {
        OutputStream out = sock.getOutputStream();
        CRC32C crc = new CRC32C();
        int pos = start;
        for (long sent = 0; sent < size; ) {
            int len = (int) Math.min(64 * 1024, size - sent);
            out.write(data, pos, len);
            crc.update(data, pos, len);
            sent += len;
            pos = (pos + len + 4099) % SPAN;
        }
        sock.shutdownOutput();
        byte[] trailer = new byte[HashSinkServer.TRAILER_BYTES];
        readFully(sock.getInputStream(), trailer, trailer.length);
        ByteBuffer b = ByteBuffer.wrap(trailer);
        long length = b.getLong();
        int sinkCrc = b.getInt();
        if (length != size || sinkCrc != (int) crc.getValue()) {
            throw new BytesDiffer(String.format(Locale.ROOT, "sent %d bytes with CRC32C %08x, the sink got %d with "
                    + "%08x", size, (int) crc.getValue(), length, sinkCrc));
        }
        return Result.ok(size);
    }

    private void echoDriver(Random r) {
        int k = 0;
        while (!stopping) {
            String host = k++ % 2 == 0 ? LOOPBACK : "chat.test";
            tunnel("echo", host, t.echoPort(), 0, 120_000, false, (sock, g) -> {
                OutputStream out = sock.getOutputStream();
                InputStream in = sock.getInputStream();
                byte[] got = new byte[64];
                long bytes = 0;
                for (int i = 0; i < ECHO_ROUNDS && !stopping; i++) {
                    int off = r.nextInt(SPAN);
                    long t0 = System.nanoTime();
                    out.write(data, off, 64);
                    out.flush();
                    readFully(in, got, 64);
                    long rtt = System.nanoTime() - t0;
                    if (!Arrays.equals(data, off, off + 64, got, 0, 64)) {
                        throw new BytesDiffer("64 B echo " + i + " differs");
                    }
                    tally.rtt(rtt);
                    bytes += 64;
                    pause(20);
                }
                return Result.ok(bytes);
            });
        }
    }

    private void stallDriver(Random r) {
        // Spread the first stalls over a few seconds rather than opening them all at once.
        pause(r.nextInt(3_000));
        int k = 0;
        while (!stopping) {
            long holdMs = 5_000 + r.nextInt(20_001);
            boolean reset = r.nextBoolean();
            int off = r.nextInt(SPAN);
            String host = k++ % 2 == 0 ? LOOPBACK : "stall.test";
            tunnel("stall", host, t.stallPort(), 64 * 1024, STALL_BOUND_MS, reset,
                    (sock, g) -> stall(sock, g, off, holdMs, reset));
            pause(200 + r.nextInt(800));
        }
    }

    /** What a stalled upload's writer and its monitor share. */
    private static final class StallState {
        volatile long written;
        volatile long lastProgress = System.nanoTime();
        volatile long bytesAtStall = -1;
    }

    /**
     * One upload into the server that never reads. It must stall (no progress for 1 s) before it has put more into
     * the buffers on the way than they can hold; once it has, we hold it {@code holdMs} and close it (the guard),
     * unless the server resets it first or the load ends.
     */
    private Result stall(Socket sock, Watchdog.Guard g, int off, long holdMs, boolean resetByUs) throws IOException {
        StallState st = new StallState();
        stallGuards.add(g);
        List<ScheduledFuture<?>> timers = new ArrayList<>(2);
        timers.add(watchdog.every(250, () -> {
            if (st.bytesAtStall < 0 && System.nanoTime() - st.lastProgress >= STALLED_AFTER_NANOS) {
                st.bytesAtStall = st.written;
                synchronized (timers) {
                    timers.add(watchdog.later(holdMs, g::fire));
                }
            }
        }));
        if (stopping) {
            g.fire();
        }
        OutputStream out = sock.getOutputStream();
        long opened = System.nanoTime();
        try {
            while (true) {
                out.write(data, off, 16 * 1024);
                st.written += 16 * 1024;
                st.lastProgress = System.nanoTime();
                if (st.written > MAX_STALL_BYTES) {
                    g.fire();
                    return Result.unexpected("no back-pressure: more accepted for a server that never reads than "
                            + "the buffers on the way can hold (" + (MAX_STALL_BYTES >> 20) + " MiB)",
                            String.format(Locale.ROOT, "from port %d: %d bytes in %d ms; %s", sock.getLocalPort(),
                                    st.written, TimeUnit.NANOSECONDS.toMillis(st.lastProgress - opened),
                                    st.bytesAtStall < 0 ? "it never stalled"
                                            : "it stalled after " + st.bytesAtStall + " bytes, then went on"));
                }
            }
        } catch (IOException e) {
            boolean stalled = st.bytesAtStall >= 0;
            if (stalled) {
                tally.stalledAfter(st.bytesAtStall);
            }
            if (g.fired()) {
                if (stalled) {
                    return Result.ok(0, "held stalled, then " + (resetByUs ? "reset" : "closed") + " by the client");
                }
                return stopping ? Result.expected("ended by the end of the load before it stalled", 0)
                        : Result.unexpected("did not stall within " + STALL_BOUND_MS / 1000 + " s ("
                        + st.written + " bytes)");
            }
            if (isReset(e)) {
                return Result.expected(stalled ? "the server reset it first; relayed to the client as a reset"
                        : "the server reset it before it stalled; relayed to the client as a reset", 0);
            }
            throw e;
        } finally {
            synchronized (timers) {
                timers.forEach(f -> f.cancel(false));
            }
            stallGuards.remove(g);
        }
    }

    private void clientResetDriver(Random r) {
        int k = 0;
        while (!stopping) {
            int total = 16 * 1024 + r.nextInt(SPAN - 16 * 1024);
            int resetAt = r.nextInt(total);
            int off = r.nextInt(SPAN);
            String host = k++ % 2 == 0 ? LOOPBACK : "reset.test";
            tunnel("client-reset", host, t.echoPort(), 0, 60_000, false, (sock, g) -> {
                int whole = resetAt / STEP * STEP;
                long verified = echo(sock, off, whole, STEP);
                // Mid-transfer: send part of the next step, do not read its echo, and reset.
                sock.getOutputStream().write(data, off + whole, resetAt - whole);
                sock.setSoLinger(true, 0);
                sock.close();
                return Result.expected("reset by the client (ours) mid-transfer", verified);
            });
            pause(100 + r.nextInt(900));
        }
    }

    private void serverResetDriver(Random r) {
        int k = 0;
        while (!stopping) {
            int resetAfter = 1024 + r.nextInt(512 * 1024);
            int total = resetAfter + 64 * 1024 + r.nextInt(256 * 1024);
            int off = r.nextInt(SPAN);
            String host = k++ % 2 == 0 ? LOOPBACK : "reset.test";
            tunnel("server-reset", host, t.resetPort(), 0, 60_000, false,
                    (sock, g) -> serverReset(sock, g, resetAfter, total, off));
            pause(100 + r.nextInt(900));
        }
    }

    /**
     * Sends the reset point, then echoes in steps past it. The bytes that come back must match and be no more
     * than the server sent; the end must be a reset (a clean end of stream would hide the server's failure).
     */
    private Result serverReset(Socket sock, Watchdog.Guard g, int resetAfter, int total, int off) throws IOException {
        OutputStream out = sock.getOutputStream();
        InputStream in = sock.getInputStream();
        out.write(ByteBuffer.allocate(4).putInt(resetAfter).array());
        byte[] got = new byte[STEP];
        long received = 0;
        try {
            for (int done = 0; done < total; done += STEP) {
                int n = Math.min(STEP, total - done);
                out.write(data, off + done, n);
                out.flush();
                for (int have = 0; have < n; ) {
                    int rd = in.read(got, have, n - have);
                    if (rd < 0) {
                        return Result.unexpected("the server's reset reached the client as a clean end of stream");
                    }
                    if (!Arrays.equals(data, off + done + have, off + done + have + rd, got, have, have + rd)) {
                        throw new BytesDiffer("echo differs at byte " + (done + have));
                    }
                    have += rd;
                    received += rd;
                }
            }
        } catch (IOException e) {
            if (g.fired() || e instanceof SocketTimeoutException || e instanceof BytesDiffer || !isReset(e)) {
                throw e;
            }
            if (received > resetAfter) {
                return Result.unexpected("got " + received + " bytes back, the server sent " + resetAfter);
            }
            return Result.expected("reset by the server mid-transfer; relayed as a reset", received);
        }
        return Result.unexpected("no reset after " + total + " bytes (the server resets after " + resetAfter + ")");
    }

    private void neverNameDriver(Random r) {
        // Start apart, so that lookups do not all coincide.
        pause(r.nextInt(2_000));
        while (!stopping) {
            String host = "n" + r.nextInt(8) + "." + TestNames.NEVER;
            try (Socket sock = patientClient.open(host, t.echoPort())) {
                tally.unexpected("never-name", "CONNECT 200 for a name that never resolves", host + " " + sock);
            } catch (TunnelClient.Refused e) {
                if (e.status == 502 && e.error.equals("dns_timeout")) {
                    tally.expected("never-name", "502 dns_timeout", 0);
                } else {
                    tally.unexpected("never-name", "CONNECT " + e.status + " " + e.error, e.getMessage());
                }
            } catch (IOException e) {
                tally.unexpected("never-name", reason(e, null), e.toString());
            }
            pause(2_000 + r.nextInt(6_000));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** How one tunnel ended. */
    record Result(Outcome outcome, String reason, long verifiedBytes, String detail) {
        static Result ok(long bytes) {
            return new Result(Outcome.OK, "ok", bytes, "");
        }

        static Result ok(long bytes, String reason) {
            return new Result(Outcome.OK, reason, bytes, "");
        }

        static Result expected(String reason, long bytes) {
            return new Result(Outcome.EXPECTED, reason, bytes, "");
        }

        static Result unexpected(String reason) {
            return unexpected(reason, "");
        }

        /** {@code detail} goes to the list of first unexpected failures, not into the counted reason. */
        static Result unexpected(String reason, String detail) {
            return new Result(Outcome.UNEXPECTED, reason, 0, detail);
        }
    }

    /** The work done on one open tunnel. */
    @FunctionalInterface
    interface TunnelWork {
        Result run(Socket socket, Watchdog.Guard guard) throws IOException;
    }

    /** Echoed bytes differ from those sent. */
    static final class BytesDiffer extends IOException {
        private static final long serialVersionUID = 1L;

        BytesDiffer(String message) {
            super(message);
        }
    }

    /**
     * Opens a tunnel to {@code host:port}, runs {@code work} on it under a watchdog of {@code guardMs}, closes
     * it, and counts how it ended. An exception out of {@code work} is an unexpected failure.
     */
    private void tunnel(String kind, String host, int port, int sendBuffer, long guardMs, boolean guardResets,
                        TunnelWork work) {
        Socket sock;
        try {
            sock = client.open(host, port, sendBuffer);
        } catch (IOException e) {
            tally.unexpected(kind, "open: " + reason(e, null), host + ":" + port + ": " + e);
            return;
        }
        try (Watchdog.Guard g = watchdog.arm(sock, guardMs, guardResets)) {
            Result r;
            try {
                r = work.run(sock, g);
            } catch (IOException | RuntimeException e) {
                tally.unexpected(kind, reason(e, g), host + ":" + port + ": " + e);
                return;
            }
            switch (r.outcome()) {
                case OK -> tally.ok(kind, r.reason(), r.verifiedBytes());
                case EXPECTED -> tally.expected(kind, r.reason(), r.verifiedBytes());
                case UNEXPECTED -> tally.unexpected(kind, r.reason(), host + ":" + port
                        + (r.detail().isEmpty() ? "" : " " + r.detail()));
            }
        } finally {
            try {
                sock.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A short name for why a tunnel failed. */
    static String reason(Throwable e, Watchdog.Guard g) {
        if (g != null && g.fired()) {
            return "timeout (watchdog closed it)";
        }
        if (e instanceof TunnelClient.Refused r) {
            return "CONNECT " + r.status + (r.error.isEmpty() ? "" : " " + r.error);
        }
        if (e instanceof BytesDiffer) {
            return "bytes differ";
        }
        if (e instanceof SocketTimeoutException) {
            return "read timeout";
        }
        if (e instanceof ConnectException) {
            return "cannot connect to the proxy";
        }
        if (e instanceof EOFException) {
            return "early end of stream";
        }
        if (e instanceof IOException && isReset((IOException) e)) {
            return "reset";
        }
        return e.getClass().getSimpleName();
    }

    static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe") || m.contains("connection abort");
    }

    /** Writes {@code data[off, off+len)} in {@code step}s, reading back and comparing each step's echo. */
    private long echo(Socket sock, int off, int len, int step) throws IOException {
        OutputStream out = sock.getOutputStream();
        InputStream in = sock.getInputStream();
        byte[] got = new byte[step];
        for (int done = 0; done < len; done += step) {
            int n = Math.min(step, len - done);
            out.write(data, off + done, n);
            out.flush();
            readFully(in, got, n);
            if (!Arrays.equals(data, off + done, off + done + n, got, 0, n)) {
                throw new BytesDiffer("echo differs in bytes " + done + "-" + (done + n));
            }
        }
        return len;
    }

    private static void readFully(InputStream in, byte[] buf, int len) throws IOException {
        for (int n = 0; n < len; ) {
            int r = in.read(buf, n, len - n);
            if (r < 0) {
                throw new EOFException("end of stream after " + n + " of " + len + " bytes");
            }
            n += r;
        }
    }

    /** The largest buffer of {@code /proc/sys/net/ipv4/NAME} ("min default max"), or {@code fallback}. */
    static long kernelBufferMax(String name, long fallback) {
        try {
            // readAllLines, not readString: /proc files report a size of 0, and readString then reads 1 byte.
            String[] f = Files.readAllLines(Path.of("/proc/sys/net/ipv4", name)).get(0).strip().split("\\s+");
            return Long.parseLong(f[f.length - 1]);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    /** Sleeps {@code ms} unless the load stops first. */
    private void pause(long ms) {
        pauseUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /** Sleeps until {@code deadline} ({@link System#nanoTime()}); false if the load stopped first. */
    private boolean pauseUntil(long deadline) {
        synchronized (pauses) {
            for (long left = deadline - System.nanoTime(); !stopping && left > 0; left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(pauses, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !stopping;
        }
    }
}
