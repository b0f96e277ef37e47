package dev.fyntr.transport.nio.internal.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one entry point every front end (HTTP CONNECT, SOCKS5, plain HTTP) uses to check a client's credentials
 * against the auth file (docs/auth.md).
 *
 * <p><b>Contract.</b> {@link #check} may be called from any thread (in practice the event loop), never blocks and
 * never throws for any input. It answers at once when it can (no credentials, a client address that failed too
 * often, credentials verified recently) and otherwise returns {@link AuthDecision.Outcome#PENDING} and calls
 * {@code later} exactly once, on the {@code deliver} executor given at construction (the event loop), with the
 * decision. The caller must cope with the connection having gone away in between.
 *
 * <p><b>Cost.</b> PBKDF2 is slow by design, so it runs on a small bounded pool of its own, never on the caller's
 * thread. Successful verifications are cached by an HMAC of user and password under a key that lives only in this
 * process (the password itself is not kept), and a check of the same credentials already running is joined rather
 * than repeated: a storm of tunnels with one user's credentials costs one PBKDF2. When too many checks wait, the
 * answer is {@link AuthDecision.Outcome#BUSY} (503, retry in 1 s). Failures are counted per client address and
 * {@value #MAX_FAILURES} within {@value #WINDOW_SECONDS} s refuse that address without checking until the window
 * ends (429); the rate check comes before the cache, so that a blocked client cannot test guesses against it.
 */
public final class ProxyAuthenticator implements AutoCloseable {

    public static final int MAX_FAILURES = 5;
    public static final int WINDOW_SECONDS = 60;
    /** Checks waiting for a verifier thread; more are answered BUSY. */
    static final int MAX_QUEUED_CHECKS = 64;
    private static final int MAX_CACHED = 1024;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ProxyAuthenticator.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Executor deliver;
    private final LongSupplier clock;
    private final ThreadPoolExecutor verifiers;
    private final byte[] cacheKey = new byte[32];
    private final AtomicLong failureCount = new AtomicLong();
    /** PBKDF2 runs since start (for tests: the cache and the joining of checks keep this low). */
    private final AtomicLong hashings = new AtomicLong();

    // Guarded by this; held only for map operations, never while hashing.
    private UserTable users;
    private PasswordHash unknownUser;
    private long generation;
    private final FailureLimiter limiter;
    private final Map<ByteBuffer, String> verified = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, String> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private final Map<ByteBuffer, List<Waiter>> inFlight = new HashMap<>();

    private record Waiter(InetAddress client, Consumer<AuthDecision> later) {
    }

    /**
     * @param users   the initial users
     * @param deliver where decisions that were not immediate are handed to the caller (the event loop)
     */
    public ProxyAuthenticator(UserTable users, Executor deliver) {
        this(users, deliver, System::nanoTime, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    ProxyAuthenticator(UserTable users, Executor deliver, LongSupplier clock, int threads) {
        this.deliver = deliver;
        this.clock = clock;
        this.limiter = new FailureLimiter(MAX_FAILURES, TimeUnit.SECONDS.toNanos(WINDOW_SECONDS), MAX_TRACKED_ADDRESSES);
        new SecureRandom().nextBytes(cacheKey);
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.verifiers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_CHECKS), r -> {
                    Thread t = new Thread(r, "fyntr-auth-" + pool + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        verifiers.allowCoreThreadTimeOut(true); // an idle proxy keeps no verifier thread
        users(users);
    }

    /** Replaces the users (a reload); forgets every cached verification. */
    public synchronized void users(UserTable table) {
        this.users = table;
        this.unknownUser = PasswordHash.unmatchable(table.maxIterations());
        this.generation++;
        verified.clear();
    }

    public synchronized UserTable users() {
        return users;
    }

    /** Credentials refused (wrong, malformed, or from a rate-limited address) since start. */
    public long failures() {
        return failureCount.get();
    }

    /**
     * Checks a {@code Proxy-Authorization} header value ({@code Basic base64(user:password)}, RFC 7617).
     *
     * @param proxyAuthorization the header's value, or {@code null} when the request had none
     */
    public AuthDecision check(InetSocketAddress client, String proxyAuthorization, Consumer<AuthDecision> later) {
        if (proxyAuthorization == null) {
            return AuthDecision.MISSING;
        }
        String v = proxyAuthorization.strip();
        int space = v.indexOf(' ');
        byte[] decoded = null;
        if (space > 0 && v.substring(0, space).equalsIgnoreCase("Basic")) {
            try {
                decoded = Base64.getDecoder().decode(v.substring(space + 1).strip());
            } catch (IllegalArgumentException e) {
                decoded = null;
            }
        }
        int colon = -1;
        if (decoded != null) {
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    colon = i;
                    break;
                }
            }
        }
        if (colon <= 0) {
            return refusedWithoutCheck(client.getAddress());
        }
        String user = new String(decoded, 0, colon, StandardCharsets.UTF_8);
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(decoded, colon + 1, decoded.length - colon - 1));
        char[] password = Arrays.copyOf(chars.array(), chars.limit());
        Arrays.fill(chars.array(), '\0');
        Arrays.fill(decoded, (byte) 0);
        return check(client, user, password, later);
    }

    /**
     * Checks a user name and password (SOCKS5, RFC 1929). Takes ownership of {@code password}: it is wiped
     * once checked.
     */
    public AuthDecision check(InetSocketAddress client, String user, char[] password, Consumer<AuthDecision> later) {
        InetAddress address = client.getAddress();
        ByteBuffer key = cacheKey(user, password);
        PasswordHash hash;
        long gen;
        synchronized (this) {
            int blocked = limiter.blockedForSeconds(address, clock.getAsLong());
            if (blocked > 0) {
                Arrays.fill(password, '\0');
                failureCount.incrementAndGet();
                return new AuthDecision(AuthDecision.Outcome.RATE_LIMITED, null, limiter.failures(address), blocked);
            }
            String cached = verified.get(key);
            if (cached != null) {
                Arrays.fill(password, '\0');
                limiter.succeeded(address);
                return AuthDecision.accepted(cached);
            }
            List<Waiter> waiting = inFlight.get(key);
            if (waiting != null) {
                Arrays.fill(password, '\0');
                waiting.add(new Waiter(address, later));
                return AuthDecision.PENDING;
            }
            hash = users.hash(user).orElse(unknownUser);
            gen = generation;
            List<Waiter> first = new ArrayList<>(2);
            first.add(new Waiter(address, later));
            inFlight.put(key, first);
        }
        try {
            verifiers.execute(() -> verify(key, user, password, hash, gen));
        } catch (RejectedExecutionException e) {
            Arrays.fill(password, '\0');
            synchronized (this) {
                inFlight.remove(key);
            }
            return AuthDecision.BUSY;
        }
        return AuthDecision.PENDING;
    }

    /** On a verifier thread. */
    private void verify(ByteBuffer key, String user, char[] password, PasswordHash hash, long gen) {
        boolean ok;
        hashings.incrementAndGet();
        try {
            ok = password.length > 0 && hash.matches(password);
        } catch (RuntimeException e) {
            LOG.error("checking the password of user {} failed", user, e);
            ok = false;
        } finally {
            Arrays.fill(password, '\0');
        }
        List<Waiter> waiters;
        long now = clock.getAsLong();
        synchronized (this) {
            waiters = inFlight.remove(key);
            if (ok && gen == generation) {
                verified.put(key, user); // not after a reload that may have changed the password
            }
            for (Waiter w : waiters) {
                if (ok) {
                    limiter.succeeded(w.client());
                } else {
                    limiter.failed(w.client(), now);
                }
            }
        }
        AuthDecision decision = ok ? AuthDecision.accepted(user) : AuthDecision.REJECTED;
        if (!ok) {
            failureCount.addAndGet(waiters.size());
        }
        for (Waiter w : waiters) {
            try {
                deliver.execute(() -> w.later().accept(decision));
            } catch (RuntimeException e) {
                LOG.debug("dropped an authentication decision: {}", e.toString()); // the proxy is closing
            }
        }
    }

    private AuthDecision refusedWithoutCheck(InetAddress address) {
        failureCount.incrementAndGet();
        synchronized (this) {
            int blocked = limiter.blockedForSeconds(address, clock.getAsLong());
            if (blocked > 0) {
                return new AuthDecision(AuthDecision.Outcome.RATE_LIMITED, null, limiter.failures(address), blocked);
            }
            limiter.failed(address, clock.getAsLong());
        }
        return AuthDecision.REJECTED;
    }

    /** HMAC-SHA256 of user, NUL, password under this process's random key. */
    private ByteBuffer cacheKey(String user, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(pw.duplicate());
            if (pw.hasArray()) {
                Arrays.fill(pw.array(), (byte) 0);
            }
            return ByteBuffer.wrap(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e); // every Java SE runtime has it
        }
    }

    /** For tests: PBKDF2 runs since start. */
    long hashings() {
        return hashings.get();
    }

    /** For tests: verifications cached now. */
    synchronized int cached() {
        return verified.size();
    }

    /** Stops the verifier threads; checks still queued are dropped (their connections are closing too). */
    @Override
    public void close() {
        verifiers.shutdownNow();
    }

    @Override
    public synchronized String toString() {
        return "ProxyAuthenticator[" + users + "]";
    }
}
