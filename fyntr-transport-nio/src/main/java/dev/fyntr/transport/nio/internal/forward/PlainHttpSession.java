package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.auth.AuthDecision;
import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.handshake.Handshake;
import dev.fyntr.transport.nio.internal.handshake.HandshakeServices;
import dev.fyntr.transport.nio.internal.handshake.PlainRequest;
import dev.fyntr.transport.nio.internal.handshake.UpstreamSetup;
import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser;
import dev.fyntr.transport.nio.internal.handshake.http.Responses;
import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.KeyInterest;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.shaping.DownloadShaper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * A client connection that forwards plain-HTTP requests (docs/plain-http.md), from its first request (parsed,
 * checked and dialled by the handshake) to its close: for each request it writes the head upstream in origin
 * form, streams the body through the scheduler ({@link RequestBody}), reads the response head, streams the response
 * body back, and then either reads the client's next request (keep-alive, one at a time: pipelined requests wait in
 * the socket and are answered in order) or closes. Upstream connections come from and go back to the proxy's
 * {@link UpstreamPool}. Event-loop thread only.
 *
 * <p>Phases and their deadlines: {@code HEAD} (waiting for the next request: the keep-alive timeout until its first
 * byte, then the handshake timeout for the whole head), {@code CONNECTING} (the lookup's and the dialler's),
 * {@code EXCHANGE} (the idle timeout, moved lazily by activity), {@code DRAINING} (after our last byte: a short
 * linger so that the client reads it rather than a reset).
 *
 * <p>Memory: the request body's queue is bounded as a tunnel's upload; the response holds at most one pooled chunk
 * (reading the upstream stops while it is held), and heads are small heap arrays; nothing is read while a head,
 * a body chunk or an error answer waits for a slow client.
 */
public final class PlainHttpSession implements RequestBody.Owner, BufferPool.MemoryWaiter, DownloadShaper.Parked {

    /** What the session needs from its client connection. Loop thread only. */
    public interface Owner {
        long id();

        SocketChannel client();

        InetSocketAddress clientAddress();

        /** {@link System#nanoTime()} when the connection was accepted (for the scheduler's {@link FlowInfo}). */
        long acceptedAt();

        /** Arms the connection's one deadline; it calls {@link #onDeadline()} when it fires. */
        void deadline(long at);

        void cancelDeadline();

        void clientInterest(int ops);

        void close(String reason);

        void reset(String reason);

        /** Whether the proxy is shutting down: no new request is read after the current one. */
        boolean shuttingDown();
    }

    /** AUTHENTICATING: a later request's credentials are being checked (off the loop; reading paused). */
    private enum Phase { HEAD, AUTHENTICATING, CONNECTING, EXCHANGE, DRAINING, CLOSED }

    /** Longest wait for a keep-alive client's next request (or the idle timeout, if shorter). */
    /** A client whose address the socket could not tell: 0.0.0.0:0 in its flow's info, as for a tunnel. */
    private static final InetSocketAddress UNKNOWN_CLIENT = new InetSocketAddress(0);
    static final long KEEP_ALIVE_NANOS = 60_000_000_000L;
    /** How long a client may keep sending after our last response before we close. */
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final int READS_PER_EVENT = 4;

    private final ForwardServices services;
    private final HandshakeServices handshakes;
    private final Owner owner;
    private final BufferPool buffers;
    private final UpstreamSide upstreamSide = new UpstreamSide();
    private final DialOwner dialOwner = new DialOwner();
    private Phase phase = Phase.HEAD;

    // ---- the client side ----
    /** Client bytes read but not yet used (pooled): the next request's start. */
    private ByteBuffer carry;
    private RequestHeadParser parser;
    private boolean headStarted;
    private boolean waitingForMemory;
    private boolean parked;

    // ---- the current exchange ----
    private PlainRequest request;
    private long requestStart;
    private long lastActivity;
    private UpstreamSetup setup;
    private Upstream upstream;
    private KeyInterest upstreamInterest;
    /** Our request head, not yet all written upstream (heap). */
    private ByteBuffer headOut;
    private RequestBody body;
    private boolean bodySent;
    private ResponseHead response;
    /** The final response's body, once its head is in; null before. */
    private ResponseBody responseBody;
    private boolean responseDone;
    /** A head of ours for the client, not yet all written (heap): a response head, an interim one, an error. */
    private ByteBuffer clientHead;
    /** Whether any byte of the response reached the client's queue: from then on a failure can only reset. */
    private boolean answered;
    /** Response body bytes for the client (pooled), not yet all written. */
    private ByteBuffer clientChunk;
    private boolean lastReadFull;
    private boolean closeAfter;
    private int status;
    private String error;
    private long up;
    private long down;

    /**
     * @param owner the client connection, whose first request the handshake has parsed and checked (see {@link #start})
     */
    public PlainHttpSession(ForwardServices services, Owner owner) {
        this.services = services;
        this.handshakes = services.handshakes;
        this.owner = owner;
        this.buffers = services.loop.buffers();
    }

    // ---- life cycle -------------------------------------------------------------------------------------

    /**
     * Forwards the connection's first request, which the handshake has parsed and checked as far as it can without
     * a lookup; {@code pipelined} (pooled, or null) holds the client's bytes after the head, which the session now
     * owns.
     */
    public void start(PlainRequest first, ByteBuffer pipelined) {
        carry = pipelined;
        beginRequest(first);
        connect();
    }

    /** The client socket is ready for {@code readyOps}. */
    public void onClientReady(int readyOps) throws IOException {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushClient();
        }
        if (phase != Phase.CLOSED && (readyOps & SelectionKey.OP_READ) != 0) {
            switch (phase) {
                case HEAD -> readHead();
                case EXCHANGE -> {
                    if (body != null) {
                        body.readClient();
                    }
                }
                case DRAINING -> drain();
                default -> { }
            }
        }
        updateInterest();
    }

    /** The connection's deadline fired. */
    public void onDeadline() {
        long now = services.loop.nanoTime();
        switch (phase) {
            case HEAD -> {
                if (headStarted) {
                    answerError(HandshakeFailure.requestTimeout(handshakes.handshakeTimeout()), "request timeout");
                } else {
                    owner.close("keep-alive connection idle");
                }
            }
            case AUTHENTICATING -> answerError(HandshakeFailure.unavailable("checking the credentials took longer "
                    + "than the handshake timeout", 1), "authentication timeout");
            case CONNECTING -> setup.onDeadline();
            case EXCHANGE -> {
                Duration idle = services.idleTimeout;
                if (!idle.isZero() && now - lastActivity >= idle.toNanos()) {
                    if (!answered && clientHead == null) {
                        answerError(HandshakeFailure.responseTimeout(request.target().authority(), idle),
                                "no response");
                    } else {
                        fail("idle for " + Formats.duration(idle));
                    }
                } else {
                    armIdle();
                }
            }
            case DRAINING -> owner.close(closeReason());
            default -> { }
        }
    }

    /** Whether the connection waits for its client's next request, with nothing in flight. */
    public boolean betweenRequests() {
        return phase == Phase.HEAD && !headStarted;
    }

    /** The request body being sent, for a scheduler switch; or null. */
    public ScheduledFlow flow() {
        return body;
    }

    /** The connection is closing: frees every buffer, stops dialling, closes the exchange's upstream. Idempotent. */
    public void release() {
        if (phase == Phase.CLOSED) {
            return;
        }
        boolean inFlight = phase == Phase.EXCHANGE || phase == Phase.CONNECTING || phase == Phase.AUTHENTICATING;
        phase = Phase.CLOSED;
        if (inFlight && request != null) {
            logRequest(error == null && status == 0 ? "closed before the response" : closeReason(),
                    upstream != null ? upstream.address : null);
        }
        releaseCarry();
        if (setup != null) {
            setup.release();
            setup = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        if (clientChunk != null) {
            buffers.release(clientChunk);
            clientChunk = null;
        }
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    // ---- reading requests -------------------------------------------------------------------------------

    /** Waits for the client's next request: parses what is carried, else reads. */
    private void awaitNextRequest() {
        phase = Phase.HEAD;
        parser = new RequestHeadParser(RequestHeadParser.Mode.PLAIN_ONLY);
        headStarted = false;
        request = null;
        answered = false;
        status = 0;
        error = null;
        up = 0;
        down = 0;
        requestStart = services.loop.nanoTime();
        long idle = services.idleTimeout.isZero() ? KEEP_ALIVE_NANOS
                : Math.min(KEEP_ALIVE_NANOS, services.idleTimeout.toNanos());
        owner.deadline(services.loop.nanoTime() + idle);
        if (carry != null) {
            ByteBuffer c = carry;
            carry = null;
            parseHead(c);
        }
    }

    private void readHead() throws IOException {
        for (int i = 0; i < READS_PER_EVENT && phase == Phase.HEAD && !waitingForMemory; i++) {
            ByteBuffer buf = buffers.acquireReserved();
            if (buf == null) {
                waitForMemory();
                return;
            }
            int n;
            try {
                n = owner.client().read(buf);
            } catch (IOException e) {
                buffers.release(buf);
                throw e;
            }
            if (n <= 0) {
                buffers.release(buf);
                if (n < 0) {
                    owner.close(headStarted ? "client closed in the middle of a request head"
                            : "client closed the connection");
                }
                return;
            }
            parseHead(buf.flip());
        }
    }

    /** Feeds {@code buf} (pooled, owned) to the head parser; keeps what follows a complete head. */
    private void parseHead(ByteBuffer buf) {
        if (!headStarted && buf.hasRemaining()) {
            headStarted = true;
            owner.deadline(services.loop.nanoTime() + handshakes.handshakeTimeout().toNanos()); // slowloris bound
        }
        RequestHeadParser.Result r = parser.feed(buf);
        switch (r) {
            case NEED_MORE -> buffers.release(buf);
            case FAILED -> {
                buffers.release(buf);
                answerError(parser.failure(), "bad request");
            }
            case COMPLETE -> {
                if (buf.hasRemaining()) {
                    carry = buf;
                } else {
                    buffers.release(buf);
                }
                PlainRequest next = parser.plainRequest();
                String credentials = parser.takeHeader("proxy-authorization"); // never forwarded nor kept
                parser = null;
                beginRequest(next);
                checkCredentials(credentials);
            }
        }
    }

    private void beginRequest(PlainRequest r) {
        request = r;
        requestStart = services.loop.nanoTime();
        lastActivity = requestStart;
        status = 0;
        error = null;
        up = 0;
        down = 0;
        answered = false;
        closeAfter = false;
        bodySent = !r.hasBody();
    }

    /**
     * Where a later request's proxy credentials are checked (the first request's were checked by the handshake, as
     * CONNECT's are): by the same authenticator, so that every request on a kept-alive connection is authorised,
     * not only the first, with the same 407 answer, failure count and rate limit. The check runs off the loop;
     * reading pauses until the decision comes back.
     */
    private void checkCredentials(String credentials) {
        ProxyAuthenticator authenticator = handshakes.authenticator();
        if (authenticator == null) {
            routeRequest();
            return;
        }
        phase = Phase.AUTHENTICATING;
        owner.clientInterest(0);
        PlainRequest asked = request;
        AuthDecision now = authenticator.check(owner.clientAddress(), credentials, later -> onDecision(asked, later));
        if (now.outcome() != AuthDecision.Outcome.PENDING) {
            decided(now);
        }
    }

    /** A decision that came later, on the loop: the connection may have ended or timed out meanwhile. */
    private void onDecision(PlainRequest asked, AuthDecision decision) {
        if (phase != Phase.AUTHENTICATING || request != asked) {
            return;
        }
        decided(decision);
        if (phase != Phase.CLOSED) {
            updateInterest();
        }
    }

    private void decided(AuthDecision decision) {
        if (!decision.accepted()) {
            answerError(decision.failure(), "refused");
            return;
        }
        routeRequest();
    }

    /**
     * The checks of a later request made before any lookup, then a pooled connection to its origin or a new one,
     * resolved, checked and dialled as for CONNECT.
     */
    private void routeRequest() {
        HandshakeFailure denied = handshakes.checkBeforeLookup(request.target(), owner.clientAddress(), true);
        if (denied != null) {
            answerError(denied, "refused");
            return;
        }
        connect();
    }

    /** A pooled connection to the request's origin if one is idle, else a new one. */
    private void connect() {
        Upstream pooled = services.pool.take(request.target().authority());
        if (pooled != null) {
            // Its address passed the checks when it was dialled, perhaps for another client: the address checks
            // run again (cheap, no lookup), so that a reused connection is judged as a new one would be.
            List<InetAddress> address = List.of(pooled.address.getAddress());
            boolean allowed = handshakes.threats().checkAddresses(request.target(), address,
                    owner.clientAddress()) == null
                    && handshakes.policy().check(request.target(), address).failure() == null;
            if (allowed) {
                try {
                    startExchange(pooled);
                } catch (IOException e) {
                    fail("upstream error: " + e.getMessage());
                }
                return;
            }
            // Dialled again below, so that the refusal is the one a new connection gets, with its message.
            pooled.close();
        }
        dial();
    }

    private void dial() {
        phase = Phase.CONNECTING;
        owner.clientInterest(0);
        setup = new UpstreamSetup(handshakes, dialOwner, request.target(), new UpstreamSetup.Outcome() {
            @Override
            public void connected(SocketChannel channel, InetSocketAddress address) {
                setup = null;
                try {
                    startExchange(new Upstream(channel, address, request.target(), services.pool));
                } catch (IOException e) {
                    fail("upstream error: " + e.getMessage());
                } catch (RuntimeException e) {
                    owner.reset("internal error: " + e);
                }
            }

            @Override
            public void refused(HandshakeFailure failure) {
                setup = null;
                answerError(failure, "refused");
            }
        }, "HTTP");
        setup.start();
    }

    // ---- the exchange -----------------------------------------------------------------------------------

    private void startExchange(Upstream u) throws IOException {
        upstream = u;
        upstreamInterest = u.attach(services, upstreamSide);
        phase = Phase.EXCHANGE;
        response = new ResponseHead();
        responseDone = false;
        responseBody = null;
        headOut = ByteBuffer.wrap(ForwardHeads.request(request));
        if (request.hasBody()) {
            InetSocketAddress client = owner.clientAddress();
            FlowInfo info = FlowInfo.of(request.target().host(), request.target().port(), u.address,
                    client != null ? client : UNKNOWN_CLIENT, FlowInfo.FrontEnd.PLAIN_HTTP, owner.acceptedAt());
            body = new RequestBody(this, services, request.contentLength(), request.chunked(), carry, info);
            carry = null;
            body.begin();
            if (phase != Phase.EXCHANGE) {
                return; // the body's framing was refused at once: the connection is reset
            }
        }
        armIdle();
        flushHeadOut();
        updateInterest();
    }

    /** Writes our request head upstream; once it is out, the body may follow. */
    private void flushHeadOut() throws IOException {
        if (headOut == null) {
            return;
        }
        int n = upstream.channel.write(headOut);
        up += n;
        services.counts.upstream(n);
        if (headOut.hasRemaining()) {
            return;
        }
        headOut = null;
        if (body != null) {
            body.unhold();
        }
    }

    @Override
    public void bodyRead(ByteBuffer leftover) {
        carry = leftover; // the client's next request: parsed once this exchange is over
    }

    @Override
    public void bodySent() {
        bodySent = true;
        if (body != null) {
            up += body.bytesWritten();
            body.release(); // the flow is over: the scheduler forgets it
            body = null;
        }
        maybeFinish();
    }

    /** The upstream socket's events. */
    private final class UpstreamSide implements IoHandler {
        @Override
        public void onReady(SelectionKey key) throws IOException {
            int ready = key.readyOps();
            if (phase != Phase.EXCHANGE) {
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                flushHeadOut();
                if (body != null) {
                    body.onUpstreamWritable();
                }
            }
            if (phase == Phase.EXCHANGE && (ready & SelectionKey.OP_READ) != 0) {
                readUpstream();
            }
            updateInterest();
        }

        @Override
        public void onFailure(Throwable failure) {
            if (failure instanceof IOException) {
                upstreamFailed("upstream error: " + failure.getMessage());
            } else {
                owner.reset("internal error: " + failure);
            }
        }

        @Override
        public String toString() {
            return PlainHttpSession.this + " upstream";
        }
    }

    private void readUpstream() throws IOException {
        for (int i = 0; i < READS_PER_EVENT && phase == Phase.EXCHANGE && clientChunk == null && clientHead == null
                && !responseDone && !parked && !waitingForMemory; i++) {
            boolean inHead = responseBody == null;
            int allowed = inHead ? Integer.MAX_VALUE : services.downloads.allowance();
            if (allowed == 0) {
                parked = true; // until the download shaper has tokens: TCP slows the origin
                services.downloads.park(this);
                return;
            }
            ByteBuffer buf = inHead || (!lastReadFull && body == null) ? buffers.acquireReserved()
                    : buffers.acquire();
            if (buf == null) {
                waitForMemory();
                return;
            }
            if (!inHead) {
                buf.limit(responseBody.readLimit(buf.capacity()));
            }
            if (allowed < buf.remaining()) {
                buf.limit(buf.position() + allowed);
            }
            int want = buf.remaining();
            int n;
            try {
                n = upstream.channel.read(buf);
            } catch (IOException e) {
                buffers.release(buf);
                throw e;
            }
            if (n <= 0) {
                buffers.release(buf);
                if (n < 0) {
                    upstreamEof();
                }
                return;
            }
            touch();
            lastReadFull = n == want;
            buf.flip();
            if (inHead) {
                onHeadBytes(buf);
            } else {
                services.downloads.consumed(n);
                onBodyBytes(buf);
            }
            if (n < want) {
                return;
            }
        }
    }

    private void upstreamEof() {
        if (responseBody != null && responseBody.endOfStream()) {
            responseDone = true; // a close-delimited body ends here
            maybeFinish();
        } else if (responseBody == null) {
            upstreamFailed("the upstream closed the connection before a complete response head");
        } else {
            fail("the upstream closed the connection before the end of the response body");
        }
    }

    /** Response head bytes (pooled, owned): interim responses are passed on, the final one starts the body. */
    private void onHeadBytes(ByteBuffer buf) {
        while (responseBody == null) {
            ResponseHead.Result r = response.feed(buf);
            if (r == ResponseHead.Result.NEED_MORE) {
                buffers.release(buf);
                return;
            }
            if (r == ResponseHead.Result.FAILED) {
                buffers.release(buf);
                upstreamFailed("the upstream's response is malformed: " + response.error());
                return;
            }
            int s = response.status();
            if (s >= 100 && s < 200) {
                if (s == 101) {
                    buffers.release(buf);
                    upstreamFailed("the upstream switched protocols although no upgrade was forwarded");
                    return;
                }
                if (request.version().equals("HTTP/1.1")) { // an HTTP/1.0 client does not expect 1xx
                    queueClientHead(ForwardHeads.response(response, ForwardHeads.Framing.NONE, false));
                }
                response = new ResponseHead();
                continue;
            }
            onFinalHead();
            if (phase != Phase.EXCHANGE) {
                buffers.release(buf);
                return;
            }
        }
        onBodyBytes(buf);
    }

    /** The final response head: decides the framing, reuse and keep-alive, and queues the head for the client. */
    private void onFinalHead() {
        status = response.status();
        ResponseBody b = ResponseBody.of(response, request.isHead());
        if (b == null) {
            upstreamFailed("the upstream's Content-Length is malformed or ambiguous: "
                    + response.joined("content-length"));
            return;
        }
        responseBody = b;
        closeAfter = !request.keepAlive() || b.framing() == ForwardHeads.Framing.CLOSE || owner.shuttingDown();
        queueClientHead(ForwardHeads.response(response, b.framing(), closeAfter));
        answered = true;
        responseDone = b.done();
    }

    /** Body bytes (pooled, owned, flipped), cut at the response's end; queued for the client. */
    private void onBodyBytes(ByteBuffer buf) {
        int k = responseBody.cut(buf);
        if (k == ChunkedScanner.MALFORMED) {
            buffers.release(buf);
            fail("malformed chunked response body: " + responseBody.error());
            return;
        }
        responseDone = responseBody.done();
        if (k == 0) {
            buffers.release(buf);
        } else {
            buf.limit(buf.position() + k);
            clientChunk = buf;
        }
        try {
            flushClient();
        } catch (IOException e) {
            fail("client error: " + e.getMessage());
            return;
        }
        maybeFinish();
    }

    private void queueClientHead(byte[] head) {
        clientHead = append(clientHead, head);
        try {
            flushClient();
        } catch (IOException e) {
            fail("client error: " + e.getMessage());
        }
    }

    /** Writes our head, then the held body chunk, to the client. */
    private void flushClient() throws IOException {
        if (clientHead != null) {
            int n = owner.client().write(clientHead);
            down += n;
            services.counts.downstream(n);
            if (clientHead.hasRemaining()) {
                return;
            }
            clientHead = null;
            if (phase == Phase.DRAINING) {
                owner.client().shutdownOutput(); // our error answer is out: the client sees its end
                return;
            }
        }
        if (clientChunk != null) {
            int n = owner.client().write(clientChunk);
            down += n;
            services.counts.downstream(n);
            if (n > 0) {
                touch();
            }
            if (clientChunk.hasRemaining()) {
                return;
            }
            buffers.release(clientChunk);
            clientChunk = null;
        }
        if (phase == Phase.EXCHANGE) {
            maybeFinish();
        }
    }

    /**
     * When the response is all written and the request body all sent (or the response ended first): the upstream
     * goes back to the pool or closes, the access line is written, and the client's next request is read, or the
     * connection ends.
     */
    private void maybeFinish() {
        if (phase != Phase.EXCHANGE || !responseDone || clientHead != null || clientChunk != null) {
            return;
        }
        if (!bodySent) {
            closeAfter = true; // the origin answered before the body ended: the rest of it cannot be delimited
        }
        if (body != null) {
            up += body.bytesWritten();
            body.release();
            body = null;
        }
        Upstream u = upstream;
        upstream = null;
        upstreamInterest = null;
        if (responseBody != null && responseBody.reusable() && bodySent && !owner.shuttingDown()) {
            try {
                u.park(services);
            } catch (IOException e) {
                u.close();
            }
        } else {
            u.close();
        }
        boolean close = closeAfter || owner.shuttingDown();
        logRequest(close ? closeReason() : null, u.address);
        if (close) {
            linger();
        } else {
            awaitNextRequest();
        }
        updateInterest();
    }

    private String closeReason() {
        if (error != null) {
            return error;
        }
        if (owner.shuttingDown()) {
            return "proxy shutting down";
        }
        if (request != null && !request.keepAlive()) {
            return "client asked to close";
        }
        if (responseBody != null && responseBody.framing() == ForwardHeads.Framing.CLOSE) {
            return "close-delimited response";
        }
        return "response before the request body ended";
    }

    // ---- failures -----------------------------------------------------------------------------------------

    /**
     * The upstream failed: before any of the response reached the client, a 502 says so (a pooled connection
     * closed by its origin just as it was reused is dialled again once, for a request without a body); after,
     * only a reset can.
     */
    private void upstreamFailed(String why) {
        if (!answered && clientHead == null && upstream != null && upstream.reuses > 0 && !request.hasBody()
                && response != null && responseBody == null) {
            Upstream stale = upstream;
            upstream = null;
            upstreamInterest = null;
            stale.close();
            headOut = null;
            dial();
            return;
        }
        if (!answered && clientHead == null) {
            String where = request.target().authority();
            answerError(HandshakeFailure.badResponse(where + ": " + why), "bad gateway");
        } else {
            fail(why);
        }
    }

    /** Ends the connection with a reset on both sides: the peers see a failure as a failure. */
    private void fail(String why) {
        if (error == null) {
            error = why;
        }
        if (upstream != null) {
            upstream.reset();
            upstream = null;
        }
        owner.reset(why);
    }

    /**
     * Answers the current request (or the unparsable one) with an error response that ends the connection, then
     * lingers so that the client reads it.
     */
    private void answerError(HandshakeFailure failure, String why) {
        if (answered) {
            fail(why + ": " + failure.message());
            return;
        }
        status = failure.status();
        error = failure.proxyStatusError();
        services.counts.rejected(status);
        if (setup != null) {
            setup.release();
            setup = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        if (upstream != null) {
            upstream.reset();
            upstream = null;
        }
        releaseCarry();
        answered = true;
        String method = request != null ? request.method() : "-";
        String target = request != null ? request.target().authority() : null;
        services.accessLog.connection("http", method, owner.clientAddress(), target, null, status, error, up,
                down, services.loop.nanoTime() - requestStart, why);
        request = null;
        phase = Phase.DRAINING;
        owner.deadline(services.loop.nanoTime() + LINGER_NANOS);
        clientHead = append(clientHead, Responses.error(failure));
        try {
            flushClient();
        } catch (IOException e) {
            owner.close("client gone before the error response");
            return;
        }
        updateInterest();
    }

    /** After the last response: our output ends, and the client's last bytes are read until it closes. */
    private void linger() {
        phase = Phase.DRAINING;
        releaseCarry();
        request = null;
        try {
            owner.client().shutdownOutput();
        } catch (IOException e) {
            owner.close("client gone");
            return;
        }
        owner.deadline(services.loop.nanoTime() + LINGER_NANOS);
    }

    private void drain() throws IOException {
        ByteBuffer scratch = buffers.acquireReserved();
        if (scratch == null) {
            owner.close(closeReason());
            return;
        }
        try {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                scratch.clear();
                int n = owner.client().read(scratch);
                if (n < 0) {
                    owner.close(error != null ? error : "done");
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        } finally {
            buffers.release(scratch);
        }
    }

    private void logRequest(String close, InetSocketAddress resolved) {
        if (request == null) {
            return;
        }
        services.accessLog.connection("http", request.method(), owner.clientAddress(), request.target().authority(),
                resolved, status, error, up, down, services.loop.nanoTime() - requestStart, close);
    }

    // ---- interest, memory, timers ---------------------------------------------------------------------------

    /** Sets both sockets' interest from the phase and what each direction holds. */
    @Override
    public void updateInterest() {
        int client = 0;
        switch (phase) {
            case HEAD -> client = waitingForMemory ? 0 : SelectionKey.OP_READ;
            case EXCHANGE -> client = body != null ? body.clientOps() : 0;
            case DRAINING -> client = clientHead == null ? SelectionKey.OP_READ : 0;
            default -> { }
        }
        if (clientHead != null || clientChunk != null) {
            client |= SelectionKey.OP_WRITE;
        }
        if (phase == Phase.CLOSED) {
            return;
        }
        owner.clientInterest(client);
        if (phase == Phase.EXCHANGE && upstreamInterest != null) {
            int ops = headOut != null ? SelectionKey.OP_WRITE : 0;
            if (body != null) {
                ops |= body.upstreamOps();
            }
            if (!responseDone && clientChunk == null && clientHead == null && !parked && !waitingForMemory) {
                ops |= SelectionKey.OP_READ;
            }
            upstreamInterest.set(ops);
        }
    }

    private void waitForMemory() {
        if (!waitingForMemory) {
            waitingForMemory = true;
            buffers.awaitMemory(this);
        }
    }

    @Override
    public void onMemoryAvailable() {
        waitingForMemory = false;
        if (phase != Phase.CLOSED) {
            updateInterest();
        }
    }

    @Override
    public void resume() {
        parked = false;
        if (phase != Phase.CLOSED) {
            updateInterest();
        }
    }

    @Override
    public void touch() {
        lastActivity = services.loop.nanoTime();
    }

    private void armIdle() {
        Duration idle = services.idleTimeout;
        if (!idle.isZero()) {
            owner.deadline(lastActivity + idle.toNanos());
        } else {
            owner.cancelDeadline();
        }
    }

    private void releaseCarry() {
        if (carry != null) {
            buffers.release(carry);
            carry = null;
        }
    }

    // ---- RequestBody.Owner ----------------------------------------------------------------------------------

    @Override
    public long id() {
        return owner.id();
    }

    @Override
    public SocketChannel client() {
        return owner.client();
    }

    @Override
    public SocketChannel upstream() {
        return upstream.channel;
    }

    @Override
    public void reset(String reason) {
        fail(reason);
    }

    @Override
    public boolean isReleased() {
        return phase == Phase.CLOSED;
    }

    /** {@code bytes} after what is left of {@code pending} (heap buffers: heads are small). */
    private static ByteBuffer append(ByteBuffer pending, byte[] bytes) {
        if (pending == null || !pending.hasRemaining()) {
            return ByteBuffer.wrap(bytes);
        }
        ByteBuffer both = ByteBuffer.allocate(pending.remaining() + bytes.length);
        both.put(pending).put(bytes).flip();
        return both;
    }

    @Override
    public String toString() {
        return "flow " + owner.id() + "[" + Formats.endpoint(owner.clientAddress()) + " ⇄ "
                + (request != null ? request.target().authority() : "-") + " (plain HTTP)]";
    }

    /** What a lookup and a dial of a later request need from the connection: its deadline, address and id. */
    private final class DialOwner implements Handshake.Owner {
        @Override
        public long id() {
            return owner.id();
        }

        @Override
        public SocketChannel client() {
            return owner.client();
        }

        @Override
        public InetSocketAddress clientAddress() {
            return owner.clientAddress();
        }

        @Override
        public long acceptedAt() {
            return requestStart;
        }

        @Override
        public void deadline(long at) {
            owner.deadline(at);
        }

        @Override
        public void cancelDeadline() {
            owner.cancelDeadline();
        }

        @Override
        public void clientInterest(int ops) {
            owner.clientInterest(ops);
        }

        @Override
        public void onRejecting(HandshakeFailure failure) {
            // Not used by a lookup or a dial: the session answers refusals itself.
        }

        @Override
        public boolean mayLinger() {
            return true;
        }

        @Override
        public void onEstablished(Handshake handshake, SocketChannel upstream, InetSocketAddress address) {
            throw new IllegalStateException("a dial reports through its outcome");
        }

        @Override
        public void onPlainRequest(Handshake handshake) {
            throw new IllegalStateException("a dial reports through its outcome");
        }

        @Override
        public void close(String reason) {
            owner.close(reason);
        }

        @Override
        public void reset(String reason) {
            owner.reset(reason);
        }
    }
}
