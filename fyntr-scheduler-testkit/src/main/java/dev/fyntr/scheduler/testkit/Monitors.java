package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.Flow;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/** The observers behind the contract's properties. */
final class Monitors {

    private Monitors() {
    }

    /** Fails when an eligible flow waits more than a bound of decisions given to other flows. */
    static final class Starvation implements SchedulerDriver.Observer {
        private final SchedulerDriver driver;
        private final long bound;
        private long[] since = new long[16];

        Starvation(SchedulerDriver driver, long bound) {
            this.driver = driver;
            this.bound = bound;
        }

        @Override
        public void eligibilityChanged(TestFlow flow, boolean eligible) {
            if (eligible) {
                since(flow, driver.decisions());
            }
        }

        @Override
        public void served(TestFlow flow, int bytes) {
            // This decision is already counted: the flow waited for the ones in between.
            check(flow, driver.decisions() - 1);
            since(flow, driver.decisions());
        }

        /** Checks the flows that are still waiting at the end. */
        void finish() {
            for (TestFlow flow : driver.eligibleFlows()) {
                check(flow, driver.decisions());
            }
        }

        private void check(TestFlow flow, long now) {
            long waited = now - since[index(flow)];
            if (waited > bound) {
                throw driver.failure("starvation: " + flow + " was eligible and waited " + waited
                        + " decisions for other flows (bound " + bound + ", decision " + now + ")");
            }
        }

        private void since(TestFlow flow, long decision) {
            int i = index(flow);
            if (i >= since.length) {
                since = Arrays.copyOf(since, Math.max(i + 1, since.length * 2));
            }
            since[i] = decision;
        }
    }

    /**
     * Records decisions and eligibility changes, then checks every pair of flows over every interval in which
     * both stayed eligible: the difference of the bytes they were served never varies by more than the bound.
     */
    static final class Fairness implements SchedulerDriver.Observer {
        private static final int UP = 0;
        private static final int DOWN = 1;
        private static final int SERVE = 2;

        private final SchedulerDriver driver;
        private int[] kind = new int[1024];
        private int[] flow = new int[1024];
        private int[] bytes = new int[1024];
        private long[] decision = new long[1024];
        private int size;
        private long worst;

        Fairness(SchedulerDriver driver) {
            this.driver = driver;
        }

        @Override
        public void eligibilityChanged(TestFlow f, boolean eligible) {
            add(eligible ? UP : DOWN, f, 0);
        }

        @Override
        public void served(TestFlow f, int written) {
            add(SERVE, f, written);
        }

        /** The largest spread seen by the last {@link #check}, in bytes. */
        long worst() {
            return worst;
        }

        void check(long bound, String boundText) {
            int flows = driver.flows().size();
            worst = 0;
            for (int a = 0; a < flows; a++) {
                for (int b = a + 1; b < flows; b++) {
                    checkPair(a, b, bound, boundText);
                }
            }
        }

        private void checkPair(int a, int b, long bound, String boundText) {
            boolean upA = false;
            boolean upB = false;
            boolean inside = false;
            long diff = 0;
            long min = 0;
            long max = 0;
            long from = 0;
            for (int i = 0; i < size; i++) {
                int f = flow[i];
                if (f != a && f != b) {
                    continue;
                }
                if (kind[i] == SERVE) {
                    if (inside) {
                        diff += f == a ? bytes[i] : -bytes[i];
                        min = Math.min(min, diff);
                        max = Math.max(max, diff);
                    }
                    continue;
                }
                if (f == a) {
                    upA = kind[i] == UP;
                } else {
                    upB = kind[i] == UP;
                }
                if (upA && upB && !inside) {
                    inside = true;
                    diff = 0;
                    min = 0;
                    max = 0;
                    from = decision[i];
                } else if (inside && !(upA && upB)) {
                    inside = false;
                    verdict(a, b, from, decision[i], max - min, bound, boundText);
                }
            }
            if (inside) {
                verdict(a, b, from, driver.decisions(), max - min, bound, boundText);
            }
        }

        private void verdict(int a, int b, long from, long to, long spread, long bound, String boundText) {
            worst = Math.max(worst, spread);
            if (spread > bound) {
                throw driver.failure("fairness: flows " + (a + 1) + " and " + (b + 1)
                        + " were both backlogged from decision " + from + " to " + to + ", and over part of that"
                        + " interval one was served " + spread + " bytes more than the other; bound " + bound
                        + " = " + boundText);
            }
        }

        private void add(int k, TestFlow f, int b) {
            if (size == kind.length) {
                int n = size * 2;
                kind = Arrays.copyOf(kind, n);
                flow = Arrays.copyOf(flow, n);
                bytes = Arrays.copyOf(bytes, n);
                decision = Arrays.copyOf(decision, n);
            }
            kind[size] = k;
            flow[size] = index(f);
            bytes[size] = b;
            decision[size] = driver.decisions();
            size++;
        }
    }

    /**
     * Checks a DRR-like deficit, read through the contract's hook: never negative; 0 whenever the flow is not
     * eligible (no banked credit); below the largest chunk when the scheduler moves on from the flow while it is
     * still eligible (its visit is over); and below quantum + max chunk at any time.
     */
    static final class Deficit implements SchedulerDriver.Observer {
        private final SchedulerDriver driver;
        private final Function<Flow, OptionalLong> hook;
        private final long quantum;
        private boolean[] fresh = new boolean[16];
        private TestFlow previous;
        private long readings;

        Deficit(SchedulerDriver driver, Function<Flow, OptionalLong> hook, long quantum) {
            this.driver = driver;
            this.hook = hook;
            this.quantum = quantum;
        }

        /** How many deficits the hook reported; 0 means the hook is not implemented. */
        long readings() {
            return readings;
        }

        @Override
        public void eligibilityChanged(TestFlow flow, boolean eligible) {
            int i = index(flow);
            if (i >= fresh.length) {
                fresh = Arrays.copyOf(fresh, Math.max(i + 1, fresh.length * 2));
            }
            fresh[i] = eligible;
        }

        @Override
        public void chosen(TestFlow flow) {
            // Moving on from a still-eligible flow ends its visit, unless the newcomer was never served since it
            // became eligible: sparse-flow priority may serve such a flow in the middle of another's visit.
            if (previous != null && previous != flow && previous.isEligible() && !fresh[index(flow)]) {
                OptionalLong deficit = read(previous);
                int maxChunk = driver.maxChunkBytes();
                if (deficit.isPresent() && deficit.getAsLong() >= maxChunk) {
                    throw driver.failure("deficit invariant: the scheduler moved from " + previous + " to " + flow
                            + " with a deficit of " + deficit.getAsLong() + " left for the former; it must be below"
                            + " the largest chunk (" + maxChunk + ") after each visit");
                }
            }
            fresh[index(flow)] = false;
            previous = flow;
        }

        @Override
        public void afterStep() {
            List<TestFlow> flows = driver.flows();
            for (TestFlow flow : flows) {
                if (flow.isClosed()) {
                    continue;
                }
                OptionalLong deficit = read(flow);
                if (deficit.isEmpty()) {
                    continue;
                }
                long d = deficit.getAsLong();
                if (d < 0) {
                    throw driver.failure("deficit invariant: " + flow + " has a negative deficit " + d);
                }
                if (!flow.isEligible() && d != 0) {
                    throw driver.failure("deficit invariant: " + flow + " kept a deficit of " + d
                            + " after leaving the round; it must be reset to 0 (no banked credit)");
                }
                if (d >= quantum + driver.maxChunkBytes()) {
                    throw driver.failure("deficit invariant: " + flow + " has a deficit of " + d + ", not below"
                            + " quantum + max chunk = " + (quantum + driver.maxChunkBytes()));
                }
            }
        }

        private OptionalLong read(TestFlow flow) {
            OptionalLong deficit = hook.apply(flow);
            if (deficit.isPresent()) {
                readings++;
            }
            return deficit;
        }
    }

    private static int index(Flow flow) {
        return (int) (flow.id() - 1);
    }
}
