package dev.fyntr.micrometer;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.LatencyHistogram;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.ProxyTimings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Binds a running proxy's figures ({@link ProxyStats}) and latency histograms ({@link ProxyTimings}) to a Micrometer
 * registry, with Micrometer's naming conventions (dotted lower-case names, base units, tags for dimensions):
 *
 * <pre>{@code
 * new FyntrMetrics(proxy).bindTo(registry);
 * }</pre>
 *
 * <p>Counters are {@link FunctionCounter}s and gauges are {@link Gauge}s that read the proxy when the registry asks
 * (no thread of ours, nothing on the proxy's hot path); one snapshot serves every meter for up to
 * {@link #DEFAULT_MAX_AGE} ({@link #maxAge}). The three latency histograms are each a {@link FunctionTimer} (count
 * and total time since start) plus gauges for the maximum and the 0.5, 0.9 and 0.99 quantiles since start (the
 * upper bound of the histogram bucket that holds them, at most 25 % high). Every meter and its meaning is listed in
 * docs/operations.md#metrics.
 *
 * <p>The meters hold the proxy weakly, as Micrometer does: bind a proxy you keep a reference to. After the proxy is
 * closed they show its last figures.
 */
public final class FyntrMetrics implements MeterBinder {

    /** How long one snapshot of the proxy's figures serves every meter. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    /** The statuses with a {@code fyntr.rejections} counter (others still count in {@code fyntr.rejections.all}). */
    static final List<Integer> STATUSES = List.of(400, 403, 405, 407, 408, 414, 431, 502, 503, 504, 505);

    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private final FyntrProxy proxy;
    private final Tags tags;
    private final Duration maxAge;

    /** Meters for {@code proxy}, without extra tags. */
    public FyntrMetrics(FyntrProxy proxy) {
        this(proxy, Tags.empty());
    }

    /** Meters for {@code proxy}, each with {@code tags} (e.g. {@code proxy=edge} when one JVM runs several). */
    public FyntrMetrics(FyntrProxy proxy, Iterable<Tag> tags) {
        this(proxy, Tags.of(tags), DEFAULT_MAX_AGE);
    }

    private FyntrMetrics(FyntrProxy proxy, Tags tags, Duration maxAge) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.tags = Objects.requireNonNull(tags, "tags");
        this.maxAge = maxAge;
    }

    /**
     * The same meters, with one snapshot of the proxy serving them for up to {@code maxAge} (zero: a fresh snapshot
     * for every reading).
     */
    public FyntrMetrics maxAge(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge < 0: " + maxAge);
        }
        return new FyntrMetrics(proxy, tags, maxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Figures figures = new Figures(proxy, maxAge.toNanos());

        gauge(registry, "fyntr.tunnels.open", "established tunnels now open", null, figures,
                f -> f.stats().openTunnels());
        gauge(registry, "fyntr.handshakes.open", "connections in their handshake now", null, figures,
                f -> f.stats().openHandshakes());
        counter(registry, "fyntr.tunnels.opened", "tunnels established since start", null, Tags.empty(), figures,
                f -> f.stats().tunnelsOpened());
        counter(registry, "fyntr.connections.accepted", "client connections accepted since start", null,
                Tags.empty(), figures, f -> f.stats().connectionsAccepted());
        counter(registry, "fyntr.bytes", "bytes relayed since start; up = client to upstream", BaseUnits.BYTES,
                Tags.of("direction", "up"), figures, f -> f.stats().bytesUpstream());
        counter(registry, "fyntr.bytes", "bytes relayed since start; down = upstream to client", BaseUnits.BYTES,
                Tags.of("direction", "down"), figures, f -> f.stats().bytesDownstream());
        gauge(registry, "fyntr.queued", "client-to-upstream bytes queued for the scheduler now", BaseUnits.BYTES,
                figures, f -> f.stats().queuedBytes());
        for (int status : STATUSES) {
            counter(registry, "fyntr.rejections", "connections refused since start, by HTTP status", null,
                    Tags.of("status", Integer.toString(status)), figures, f -> f.stats().rejections(status));
        }
        counter(registry, "fyntr.rejections.all", "connections refused since start, any status", null, Tags.empty(),
                figures, f -> f.stats().rejections());
        gauge(registry, "fyntr.rejections.lingering", "refused connections still open while the client reads", null,
                figures, f -> f.stats().lingeringRejections());
        gauge(registry, "fyntr.lookups.inflight", "distinct names being resolved now", null, figures,
                f -> f.stats().nameLookupsInFlight());
        counter(registry, "fyntr.internal.errors", "failures contained while serving a connection", null,
                Tags.empty(), figures, f -> f.stats().internalErrors());
        counter(registry, "fyntr.scheduler.replacements", "times a throwing scheduler was replaced", null,
                Tags.empty(), figures, f -> f.stats().schedulerReplacements());
        counter(registry, "fyntr.sni.mismatches", "ClientHellos naming another server than the CONNECT host", null,
                Tags.empty(), figures, f -> f.stats().sniMismatches());
        counter(registry, "fyntr.sni.refusals", "tunnels reset because of their ClientHello", null, Tags.empty(),
                figures, f -> f.stats().sniRefusals());
        gauge(registry, "fyntr.memory.limit", "the buffer memory budget", BaseUnits.BYTES, figures,
                f -> f.stats().memory().limitBytes());
        gauge(registry, "fyntr.memory.used", "buffer memory held now", BaseUnits.BYTES, figures,
                f -> f.stats().memory().usedBytes());
        gauge(registry, "fyntr.memory.peak", "the most buffer memory held at once since start", BaseUnits.BYTES,
                figures, f -> f.stats().memory().peakBytes());
        gauge(registry, "fyntr.memory.readers.waiting", "connections whose reading waits for memory now", null,
                figures, f -> f.stats().memory().readersWaiting());
        counter(registry, "fyntr.memory.refusals", "buffer requests refused for want of budget", null, Tags.empty(),
                figures, f -> f.stats().memory().refusals());
        gauge(registry, "fyntr.connects.waiting", "CONNECT requests waiting for a connect-rate token now", null,
                figures, f -> f.stats().shaping().connectsWaiting());
        counter(registry, "fyntr.access.log.dropped", "access-log lines dropped because the log could not keep up",
                null, Tags.empty(), figures, Figures::accessLogDropped);

        latency(registry, "fyntr.tunnel.duration", "how long tunnels were open, from 200 to close", figures,
                ProxyTimings::tunnelDuration);
        latency(registry, "fyntr.tunnel.establish", "time from accept to the 200 (SOCKS5: the success reply)",
                figures, ProxyTimings::timeToEstablish);
        latency(registry, "fyntr.chunk.queue.delay", "time an upload chunk waited in the proxy before its last byte "
                + "was written upstream", figures, ProxyTimings::chunkQueueDelay);
    }

    private void gauge(MeterRegistry registry, String name, String help, String unit, Figures figures,
                       ToDoubleFunction<Figures> value) {
        // The proxy is the weakly held object (as Micrometer does); the figures live in the function.
        Gauge.builder(name, proxy, p -> value.applyAsDouble(figures)).description(help).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String help, String unit, Tags extra, Figures figures,
                         ToDoubleFunction<Figures> value) {
        FunctionCounter.builder(name, proxy, p -> value.applyAsDouble(figures)).description(help).baseUnit(unit)
                .tags(tags).tags(extra).register(registry);
    }

    private void latency(MeterRegistry registry, String name, String help, Figures figures,
                         Function<ProxyTimings, LatencyHistogram> which) {
        FunctionTimer.builder(name, proxy, p -> which.apply(figures.timings()).count(),
                        p -> which.apply(figures.timings()).totalNanos(), TimeUnit.NANOSECONDS)
                .description(help + " (count and total since start)").tags(tags).register(registry);
        gauge(registry, name + ".max", help + " (the longest since start)", "seconds", figures,
                f -> which.apply(f.timings()).maxNanos() / 1e9);
        for (double q : QUANTILES) {
            Gauge.builder(name + ".quantile", proxy, p -> which.apply(figures.timings()).percentileNanos(q) / 1e9)
                    .description(help + " (quantiles since start, bucket upper bounds)").baseUnit("seconds")
                    .tags(tags).tag("quantile", Double.toString(q)).register(registry);
        }
    }
}
