package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

/**
 * The contract every {@link Scheduler} must meet, as a reusable JUnit suite: extend this class in your
 * scheduler's tests, implement {@link #createScheduler}, and the inherited tests run against your scheduler.
 *
 * <pre>{@code
 * class MySchedulerTest extends SchedulerContract {
 *     @Override
 *     protected Scheduler createScheduler(SchedulerConfig config) {
 *         return new MySchedulerProvider().create(config);
 *     }
 * }
 * }</pre>
 *
 * <p>What it checks, each property over many seeded random workloads (same seed, same calls; the failure
 * message names the seed):
 * <ul>
 *   <li><b>work conservation</b>: {@code next()} never returns {@code null} while some flow is eligible, and
 *       never returns a flow that is not (checked on every decision of every test, by {@link SchedulerDriver});</li>
 *   <li><b>no starvation</b>: a flow that stays eligible is served within {@link #maxWaitDecisions} decisions;</li>
 *   <li><b>removal</b>: flows closed, blocked or idled in the middle of a round are not returned again until they
 *       are backlogged again;</li>
 *   <li><b>robustness</b>: calls that do not fit the life cycle (a repeated {@code onBacklogged}, {@code onIdle}
 *       of an unknown flow …) throw nothing and break nothing.</li>
 * </ul>
 * Byte-fair schedulers should extend {@link FairSchedulerContract}, which adds a fairness bound and a deficit
 * invariant.
 *
 * <p>The {@code check…} methods are public so that a test can run one property directly, e.g. to show that
 * the kit rejects a deliberately broken scheduler ({@code assertThrows(AssertionError.class, () -> kit.checkNoStarvation(1))}).
 * Seeds: {@value #RUNS_PROPERTY} runs per property (default 20) starting from {@value #SEED_PROPERTY}.
 *
 * <p><b>A scheduler that hangs fails, it does not hang the build.</b> Each scheduler call has a budget of flow reads
 * (see {@link SchedulerDriver}), so a {@code next()} that goes round the flows for ever fails within a fraction of a
 * second with an {@code AssertionError} that says so. For a scheduler that spins without reading any flow, every
 * test also has a timeout of {@value #TIMEOUT_SECONDS} s (a contract test takes well under a second), in a thread
 * of its own; after one test of a class timed out, its other tests fail at once instead of waiting as long.
 */
@Timeout(value = SchedulerContract.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS,
        threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(SchedulerContract.FailFastAfterTimeout.class)
public abstract class SchedulerContract {

    /** The timeout of each contract test, in seconds; one takes well under a second. */
    public static final long TIMEOUT_SECONDS = 60;

    /** System property: number of seeds per property. */
    public static final String RUNS_PROPERTY = "fyntr.contract.runs";

    /** System property: the base seed, to explore other workloads or replay one. */
    public static final String SEED_PROPERTY = "fyntr.contract.seed";

    /** The fixed quantum of {@link #config()}: one maximal chunk, so every flow is served in every round. */
    public static final int CONTRACT_QUANTUM_BYTES = ChunkStats.MAX_CHUNK_BYTES;

    /** For subclasses. */
    protected SchedulerContract() {
    }

    /** Creates the scheduler under test; called once per test run with {@link #config()} or a variant of it. */
    protected abstract Scheduler createScheduler(SchedulerConfig config);

    /**
     * The configuration the checks use: the defaults with a fixed quantum of {@value #CONTRACT_QUANTUM_BYTES}
     * bytes, which is what {@link #maxWaitDecisions}'s default assumes. Override to test another configuration
     * (and adjust {@link #maxWaitDecisions} if it lets flows wait longer).
     */
    protected SchedulerConfig config() {
        return SchedulerConfig.defaults().withQuantumTuner(QuantumTuner.fixed(CONTRACT_QUANTUM_BYTES));
    }

    /**
     * What the checks' flows report as {@link dev.fyntr.api.spi.Flow#info()}, by flow id (1, 2, 3 … in creation
     * order): {@link FlowInfo#unknown()} by default. A scheduler that treats flows differently by destination
     * overrides it, so that the checks run with flows it does weigh (and adjusts {@link #maxWaitDecisions}).
     */
    protected FlowInfo flowInfo(long flowId) {
        return FlowInfo.unknown();
    }

    /**
     * The most decisions an eligible flow may wait for other flows before it is served.
     *
     * <p>The default fits any round-robin style scheduler in which, while one flow waits, each other flow gets at
     * most two turns (one in the ordinary round, one as a newly woken flow) of at most one quantum plus one chunk,
     * with a quantum of at most {@value #CONTRACT_QUANTUM_BYTES}: that is {@code 2 × others × ((quantum + max
     * chunk) / minChunk + 2)} decisions, the {@code + 2} for the remainders of partial writes.
     *
     * @param otherFlows    flows other than the waiting one
     * @param minChunkBytes the smallest chunk the workload queues
     */
    protected long maxWaitDecisions(int otherFlows, int minChunkBytes) {
        long perTurn = (CONTRACT_QUANTUM_BYTES + ChunkStats.MAX_CHUNK_BYTES) / minChunkBytes + 2;
        return 2L * otherFlows * perTurn;
    }

    /** The seeds of the parameterised properties (public for JUnit's {@code @MethodSource}). */
    public static LongStream seeds() {
        long base = Long.getLong(SEED_PROPERTY, 0x5EED_F17AL);
        int runs = Integer.getInteger(RUNS_PROPERTY, 20);
        return LongStream.range(0, runs).map(i -> base + i);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests. Public (not package-private) so that JUnit can call them from a subclass in any module.

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.fyntr.scheduler.testkit.SchedulerContract#seeds")
    public void shouldConserveWork(long seed) {
        checkWorkConservation(seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.fyntr.scheduler.testkit.SchedulerContract#seeds")
    public void shouldNotStarveBackloggedFlows(long seed) {
        checkNoStarvation(seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.fyntr.scheduler.testkit.SchedulerContract#seeds")
    public void shouldNeverReturnRemovedFlows(long seed) {
        checkRemovedFlowsNeverReturned(seed);
    }

    @Test
    public void shouldTolerateOddCallSequences() {
        checkOddCallSequences();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The checks, callable directly.

    /**
     * A random workload with every kind of event (wake-ups, full upstreams, closes), then a drain: every decision
     * must name an eligible flow, and {@code next()} may return {@code null} only when none is eligible.
     */
    public final void checkWorkConservation(long seed) {
        SchedulerDriver driver = driver(config(), seed);
        RandomScenario.Mix mix = new RandomScenario.Mix();
        mix.maxFlows = 12;
        mix.close = 0.02;
        RandomScenario scenario = new RandomScenario(driver, seed, mix);
        scenario.run(1500);
        scenario.drain();
    }

    /**
     * Flows that stay eligible are served within {@link #maxWaitDecisions}: three equal bulk flows with a sparse
     * flow waking up now and then; two bulk flows and one that wakes up again right after each of its chunks (it
     * must not monopolise a scheduler that favours new flows); a random workload with chunks of at least 512 B.
     */
    public final void checkNoStarvation(long seed) {
        SchedulerDriver fixed = driver(config(), seed);
        TestFlow[] bulk = {fixed.newFlow(), fixed.newFlow(), fixed.newFlow()};
        TestFlow sparse = fixed.newFlow();
        Monitors.Starvation steady = new Monitors.Starvation(fixed, maxWaitDecisions(3, 1000));
        fixed.addObserver(steady);
        for (int i = 0; i < 3000; i++) {
            for (TestFlow flow : bulk) {
                if (flow.queuedChunks() < 2) {
                    fixed.enqueue(flow, 1000, 1000);
                }
            }
            if (i % 97 == 0) {
                fixed.enqueue(sparse, 1000);
            }
            fixed.step();
        }
        steady.finish();

        // A flow that wakes up again right after each of its chunks, hoping to count as new (sparse) every time.
        SchedulerDriver gaming = driver(config(), seed);
        TestFlow[] others = {gaming.newFlow(), gaming.newFlow()};
        TestFlow sly = gaming.newFlow();
        Monitors.Starvation cheated = new Monitors.Starvation(gaming, maxWaitDecisions(2, 500));
        gaming.addObserver(cheated);
        for (int i = 0; i < 3000; i++) {
            for (TestFlow flow : others) {
                if (flow.queuedChunks() < 2) {
                    gaming.enqueue(flow, 1000, 1000);
                }
            }
            if (sly.queuedChunks() == 0) {
                gaming.enqueue(sly, 500);
            }
            gaming.step();
        }
        cheated.finish();

        SchedulerDriver driver = driver(config(), seed);
        RandomScenario.Mix mix = new RandomScenario.Mix();
        mix.minChunk = 512;
        mix.chattyShare = 0.3;
        mix.wake = 0.2;
        mix.limit = 0.05;
        RandomScenario scenario = new RandomScenario(driver, seed, mix);
        Monitors.Starvation monitor = new Monitors.Starvation(driver,
                maxWaitDecisions(driver.flows().size() - 1, mix.minChunk));
        driver.addObserver(monitor);
        scenario.run(2000);
        monitor.finish();
    }

    /**
     * Flows removed in the middle of a round (closed while served or while waiting, blocked by a partial write,
     * idle after their last chunk) are never returned until they are backlogged again; then a random workload with
     * many closes and full upstreams.
     */
    public final void checkRemovedFlowsNeverReturned(long seed) {
        SchedulerDriver driver = driver(config(), seed);
        TestFlow first = driver.newFlow();
        TestFlow waiting = driver.newFlow();
        TestFlow lastChunk = driver.newFlow();
        TestFlow partial = driver.newFlow();
        TestFlow survivor = driver.newFlow();
        driver.enqueue(first, 1000, 1000, 1000, 1000, 1000);
        driver.enqueue(waiting, 1000, 1000, 1000, 1000, 1000);
        driver.enqueue(lastChunk, 1000);
        driver.enqueue(partial, 1000, 1000, 1000, 1000, 1000);
        driver.enqueue(survivor, 1000, 1000, 1000, 1000, 1000);
        driver.limitSocket(partial, 1500);
        TestFlow served = driver.step();
        // Close the flow being served and one that has not had its turn yet.
        driver.close(served);
        TestFlow other = served == waiting ? first : waiting;
        driver.close(other);
        driver.drain(100);
        if (!partial.isClosed()) {
            if (partial.isEligible() || partial.queuedChunks() == 0) {
                throw driver.failure("test bug: " + partial + " should be blocked");
            }
            long before = partial.servedDecisions();
            driver.unblock(partial);
            driver.drain(100);
            if (partial.servedDecisions() == before) {
                throw driver.failure(partial + " was never served after it was unblocked");
            }
        }

        SchedulerDriver random = driver(config(), seed);
        RandomScenario.Mix mix = new RandomScenario.Mix();
        mix.close = 0.1;
        mix.limit = 0.2;
        mix.wake = 0.4;
        RandomScenario scenario = new RandomScenario(random, seed, mix);
        scenario.run(1500);
        scenario.drain();
    }

    /**
     * Calls a transport should not make, or makes only in corner cases: none may throw, and the scheduler must
     * still work afterwards (in particular a repeated {@code onBacklogged} must not put a flow in the round twice).
     */
    public final void checkOddCallSequences() {
        SchedulerDriver driver = driver(config(), 0);
        Scheduler s = driver.scheduler();
        TestFlow a = driver.newFlow();
        TestFlow b = driver.newFlow();
        TestFlow unknown = driver.newFlow();
        expectNull(driver, "next() on an empty scheduler");

        call(driver, "onIdle of an unknown flow", () -> s.onIdle(unknown));
        call(driver, "onBlocked of an unknown flow", () -> s.onBlocked(unknown));
        call(driver, "onSent(0) of an unknown flow", () -> s.onSent(unknown, 0));
        expectNull(driver, "next() after calls for an unknown flow");
        call(driver, "onClosed of an unknown flow", () -> driver.close(unknown));
        expectNull(driver, "next() after onClosed of an unknown flow");

        driver.enqueue(a, 100, 100);
        call(driver, "a repeated onBacklogged", () -> s.onBacklogged(a));
        call(driver, "a repeated onBacklogged", () -> s.onBacklogged(a));
        driver.enqueue(b, 100);
        // A flow that was added twice would be returned after it went idle: the driver rejects that.
        driver.drain(10);
        if (a.servedDecisions() != 2 || b.servedDecisions() != 1) {
            throw driver.failure("expected 2 decisions for " + a + " and 1 for " + b + ", got "
                    + a.servedDecisions() + " and " + b.servedDecisions());
        }

        call(driver, "onIdle of an idle flow", () -> s.onIdle(a));
        call(driver, "onBlocked of an idle flow", () -> s.onBlocked(a));
        expectNull(driver, "next() after onIdle/onBlocked of an idle flow");

        // A write of 0 bytes (the upstream was already full), then the flow is blocked.
        driver.enqueue(a, 100);
        driver.limitSocket(a, 0);
        driver.step();
        call(driver, "onBlocked of a blocked flow", () -> s.onBlocked(a));
        expectNull(driver, "next() while the only backlogged flow is blocked");
        driver.unblock(a);
        driver.drain(10);

        driver.close(b);
        call(driver, "a repeated onClosed", () -> s.onClosed(b));
        call(driver, "onIdle of a closed flow", () -> s.onIdle(b));
        call(driver, "onBlocked of a closed flow", () -> s.onBlocked(b));
        expectNull(driver, "next() after calls for a closed flow");

        driver.enqueue(a, 100);
        driver.drain(10);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A driver over a new scheduler, labelled with the test class and seed for failure messages. */
    final SchedulerDriver driver(SchedulerConfig config, long seed) {
        Scheduler scheduler = createScheduler(config);
        if (scheduler == null) {
            throw new AssertionError(getClass().getName() + ".createScheduler returned null");
        }
        return new SchedulerDriver(scheduler, scheduler.getClass().getSimpleName() + " seed " + seed
                + " (replay: -D" + SEED_PROPERTY + "=" + seed + " -D" + RUNS_PROPERTY + "=1)")
                .flowInfos(this::flowInfo);
    }

    private static void expectNull(SchedulerDriver driver, String what) {
        if (driver.step() != null) {
            throw driver.failure(what + ": expected no decision");
        }
    }

    private static void call(SchedulerDriver driver, String what, Runnable call) {
        try {
            driver.guarded(what, call);
        } catch (RuntimeException e) {
            AssertionError error = driver.failure("the scheduler threw on " + what + ": " + e);
            error.initCause(e);
            throw error;
        }
    }

    /**
     * Fails the remaining tests of a contract class at once after one of them timed out: the scheduler under test
     * most likely hangs in every test, and each would otherwise wait out its own timeout, while the timed-out
     * thread goes on spinning. Public only so that JUnit can create it from any module; not for other use.
     */
    public static final class FailFastAfterTimeout implements TestExecutionExceptionHandler, BeforeEachCallback {

        private static final ExtensionContext.Namespace NAMESPACE =
                ExtensionContext.Namespace.create(FailFastAfterTimeout.class);

        /** For JUnit. */
        public FailFastAfterTimeout() {
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            if (thrown instanceof TimeoutException) {
                store(context).put(context.getRequiredTestClass(),
                        context.getRequiredTestMethod().getName() + " [" + context.getDisplayName() + "]");
            }
            throw thrown;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            String timedOut = store(context).get(context.getRequiredTestClass(), String.class);
            if (timedOut != null) {
                throw new AssertionError("not run: the contract test " + timedOut + " of this class timed"
                        + " out after " + TIMEOUT_SECONDS + " s, so the scheduler most likely hangs (its thread may"
                        + " still be spinning); fix that first");
            }
        }

        private static ExtensionContext.Store store(ExtensionContext context) {
            return context.getRoot().getStore(NAMESPACE);
        }
    }
}
