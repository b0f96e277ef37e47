package dev.fyntr.scheduler.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random workload for a {@link SchedulerDriver}: bulk flows that never run dry, chatty flows that wake
 * up now and then with a few chunks, upstreams that fill up and drain, and (optionally) flows that close and
 * are replaced. Same seed, same sequence of calls.
 */
final class RandomScenario {

    /** The knobs of one workload; probabilities are per decision. */
    static final class Mix {
        int minFlows = 2;
        int maxFlows = 8;
        int minChunk = 1;
        int maxChunk = 16 * 1024;
        double chattyShare = 0.4;
        double wake = 0.3;
        double limit = 0.1;
        double unblock = 0.3;
        double close;
    }

    private final SchedulerDriver driver;
    private final SplittableRandom random;
    private final Mix mix;
    /** Per flow, by index: whether it is bulk, and its chunk-size profile. */
    private final List<Boolean> bulk = new ArrayList<>();
    private final List<int[]> profile = new ArrayList<>();
    private final int maxChunk;

    RandomScenario(SchedulerDriver driver, long seed, Mix mix) {
        this.driver = driver;
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.maxChunk = random.nextInt(mix.minChunk, mix.maxChunk + 1);
        int flows = random.nextInt(mix.minFlows, mix.maxFlows + 1);
        for (int i = 0; i < flows; i++) {
            // At least two bulk flows, so that there is always competition to be fair about.
            addFlow(i < 2 || random.nextDouble() >= mix.chattyShare);
        }
    }

    /** Runs {@code iterations} rounds of random events, each ending with one {@link SchedulerDriver#step()}. */
    void run(int iterations) {
        for (int i = 0; i < iterations; i++) {
            List<TestFlow> flows = driver.flows();
            for (int f = 0; f < flows.size(); f++) {
                TestFlow flow = flows.get(f);
                if (bulk.get(f) && !flow.isClosed() && flow.queuedChunks() < 2) {
                    driver.enqueue(flow, chunk(f), chunk(f));
                }
            }
            if (random.nextDouble() < mix.wake) {
                int f = pickChatty();
                if (f >= 0) {
                    int count = random.nextInt(1, 4);
                    for (int c = 0; c < count; c++) {
                        driver.enqueue(flows.get(f), chunk(f));
                    }
                }
            }
            if (random.nextDouble() < mix.limit) {
                TestFlow flow = pickOpen(false);
                if (flow != null) {
                    driver.limitSocket(flow, random.nextLong(0, 2L * maxChunk));
                }
            }
            if (random.nextDouble() < mix.unblock) {
                TestFlow flow = pickOpen(true);
                if (flow != null) {
                    driver.unblock(flow);
                }
            }
            if (random.nextDouble() < mix.close) {
                TestFlow flow = pickOpen(false);
                if (flow != null) {
                    driver.close(flow);
                    addFlow(random.nextBoolean());
                }
            }
            driver.step();
        }
    }

    /** Stops feeding, opens every upstream and serves until nothing is left. */
    void drain() {
        long queued = 0;
        for (TestFlow flow : driver.flows()) {
            if (!flow.isClosed()) {
                driver.unblock(flow);
                queued += flow.queuedChunks();
            }
        }
        // With unlimited sockets every decision completes a chunk.
        driver.drain(queued);
    }

    private void addFlow(boolean isBulk) {
        driver.newFlow();
        bulk.add(isBulk);
        int kind = random.nextInt(3);
        int a = random.nextInt(mix.minChunk, maxChunk + 1);
        int b = random.nextInt(mix.minChunk, maxChunk + 1);
        profile.add(new int[] {kind, Math.min(a, b), Math.max(a, b)});
    }

    private int chunk(int flowIndex) {
        int[] p = profile.get(flowIndex);
        switch (p[0]) {
            case 0:
                return p[2]; // constant size
            case 1:
                return random.nextInt(p[1], p[2] + 1); // uniform
            default:
                return random.nextBoolean() ? p[1] : p[2]; // bimodal: small and large
        }
    }

    private int pickChatty() {
        List<TestFlow> flows = driver.flows();
        int start = random.nextInt(flows.size());
        for (int k = 0; k < flows.size(); k++) {
            int f = (start + k) % flows.size();
            if (!bulk.get(f) && !flows.get(f).isClosed()) {
                return f;
            }
        }
        return -1;
    }

    /** A random open flow; with {@code blocked}, only one whose upstream is full. */
    private TestFlow pickOpen(boolean blocked) {
        List<TestFlow> flows = driver.flows();
        int start = random.nextInt(flows.size());
        for (int k = 0; k < flows.size(); k++) {
            TestFlow flow = flows.get((start + k) % flows.size());
            if (!flow.isClosed() && (!blocked || !flow.isWritable())) {
                return flow;
            }
        }
        return null;
    }
}
