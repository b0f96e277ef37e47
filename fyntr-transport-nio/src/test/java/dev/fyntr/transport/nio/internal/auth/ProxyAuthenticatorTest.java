package dev.fyntr.transport.nio.internal.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The authenticator alone: decisions, the cache, joined checks, rate limiting; no sockets. */
class ProxyAuthenticatorTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final InetSocketAddress OTHER = new InetSocketAddress("192.0.2.7", 40000);

    private final BlockingQueue<Runnable> loop = new LinkedBlockingQueue<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private ProxyAuthenticator auth;

    private static UserTable users(String user, String password) throws Exception {
        return UserTable.parse(List.of(user + ":" + PasswordHash.create(password.toCharArray(), 1000,
                new SecureRandom()).encoded()), Path.of("users.txt"));
    }

    private ProxyAuthenticator authenticator(UserTable users) {
        auth = new ProxyAuthenticator(users, loop::add, now::get, 1);
        return auth;
    }

    @AfterEach
    void close() {
        if (auth != null) {
            auth.close();
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Checks once and returns the decision, running the delivered callback as the loop would. */
    private AuthDecision decide(InetSocketAddress client, String header) throws InterruptedException {
        List<AuthDecision> later = new ArrayList<>();
        AuthDecision d = auth.check(client, header, later::add);
        if (d.outcome() != AuthDecision.Outcome.PENDING) {
            return d;
        }
        Runnable task = loop.poll(20, TimeUnit.SECONDS);
        assertNotNull(task, "no decision delivered within 20 s");
        task.run();
        assertEquals(1, later.size());
        return later.get(0);
    }

    @Test
    void shouldAcceptTheRightPasswordAndAnswerFromTheCacheAfterwards() throws Exception {
        authenticator(users("alice", "wonder land"));
        assertEquals(AuthDecision.Outcome.PENDING, auth.check(CLIENT, basic("alice", "wonder land"), d -> { })
                .outcome(), "the first check runs off the caller's thread");
        Runnable first = loop.poll(20, TimeUnit.SECONDS);
        assertNotNull(first);
        AuthDecision cached = auth.check(CLIENT, basic("alice", "wonder land"), d -> { });
        assertEquals(AuthDecision.Outcome.ACCEPTED, cached.outcome());
        assertEquals("alice", cached.user());
        assertEquals(1, auth.hashings());
    }

    @Test
    void shouldRefuseMissingWrongAndMalformedCredentials() throws Exception {
        authenticator(users("alice", "pw"));
        assertEquals(AuthDecision.Outcome.MISSING, decide(CLIENT, null).outcome());
        assertEquals(407, decide(CLIENT, null).failure().status());
        assertEquals(AuthDecision.Outcome.REJECTED, decide(CLIENT, basic("alice", "PW")).outcome());
        assertEquals(AuthDecision.Outcome.REJECTED, decide(CLIENT, basic("mallory", "pw")).outcome());
        assertEquals(AuthDecision.Outcome.REJECTED, decide(CLIENT, "Bearer abc").outcome());
        assertEquals(3, auth.failures()); // missing credentials are not failures
        assertEquals(0, auth.cached());
    }

    @Test
    void shouldRunOneHashingForAStormOfChecksWithTheSameCredentials() throws Exception {
        authenticator(users("alice", "pw"));
        CountDownLatch decided = new CountDownLatch(50);
        List<AuthDecision> decisions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            AuthDecision d = auth.check(CLIENT, basic("alice", "pw"), x -> {
                decisions.add(x);
                decided.countDown();
            });
            if (d.outcome() != AuthDecision.Outcome.PENDING) {
                decisions.add(d);
                decided.countDown();
            }
        }
        while (decided.getCount() > 0) {
            Runnable task = loop.poll(20, TimeUnit.SECONDS);
            assertNotNull(task, "decisions missing: " + decided.getCount());
            task.run();
        }
        assertEquals(50, decisions.size());
        assertTrue(decisions.stream().allMatch(AuthDecision::accepted), decisions.toString());
        assertEquals(1, auth.hashings(), "joined checks and the cache: one PBKDF2 for the whole storm");
    }

    @Test
    void shouldRateLimitAnAddressAfterRepeatedFailuresUntilItsWindowEnds() throws Exception {
        authenticator(users("alice", "pw"));
        for (int i = 0; i < ProxyAuthenticator.MAX_FAILURES; i++) {
            assertEquals(AuthDecision.Outcome.REJECTED, decide(CLIENT, basic("alice", "guess" + i)).outcome());
        }
        long hashed = auth.hashings();
        AuthDecision limited = decide(CLIENT, basic("alice", "pw"));
        assertEquals(AuthDecision.Outcome.RATE_LIMITED, limited.outcome(), "even the right password: no oracle");
        assertEquals(429, limited.failure().status());
        assertTrue(limited.failure().extraHeaders().contains("Retry-After: 60"), limited.failure().toString());
        assertEquals(hashed, auth.hashings(), "refused without hashing");
        assertEquals(AuthDecision.Outcome.ACCEPTED, decide(OTHER, basic("alice", "pw")).outcome(),
                "another address is not affected");

        now.addAndGet(TimeUnit.SECONDS.toNanos(ProxyAuthenticator.WINDOW_SECONDS));
        assertEquals(AuthDecision.Outcome.ACCEPTED, decide(CLIENT, basic("alice", "pw")).outcome());
    }

    @Test
    void shouldForgetCachedVerificationsWhenTheUsersAreReplaced() throws Exception {
        authenticator(users("alice", "old"));
        assertEquals(AuthDecision.Outcome.ACCEPTED, decide(CLIENT, basic("alice", "old")).outcome());
        assertEquals(1, auth.cached());
        auth.users(users("alice", "new"));
        assertEquals(0, auth.cached());
        assertEquals(AuthDecision.Outcome.REJECTED, decide(CLIENT, basic("alice", "old")).outcome());
        assertEquals(AuthDecision.Outcome.ACCEPTED, decide(CLIENT, basic("alice", "new")).outcome());
    }

    @Test
    void shouldAnswerBusyInsteadOfQueueingWithoutBound() throws Exception {
        authenticator(users("alice", "pw"));
        int busy = 0;
        for (int i = 0; i < ProxyAuthenticator.MAX_QUEUED_CHECKS + 20; i++) {
            // Distinct credentials from distinct addresses: nothing to join, nothing rate-limited.
            InetSocketAddress client = new InetSocketAddress("198.51.100." + (i % 250), 1000 + i);
            if (auth.check(client, basic("alice", "guess" + i), d -> { }).outcome() == AuthDecision.Outcome.BUSY) {
                busy++;
            }
        }
        assertTrue(busy > 0, "a full queue answers BUSY");
        assertEquals(503, AuthDecision.BUSY.failure().status());
    }
}
