package dev.fyntr.bench.load;

import dev.fyntr.bench.load.SoakReport.Check;
import dev.fyntr.bench.load.SoakReport.Sample;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict and the table, from made-up samples: each check fails on its own fault and only then. */
class SoakReportTest {

    private static final long MIB = 1 << 20;
    private static final Soak.Options OPTIONS = Soak.parse(new String[] {"--minutes", "1", "--rss-margin-mib", "8",
            "--fd-margin", "2"});

    private static Map<String, Long> stats(long used, long internalErrors, int openTunnels) {
        Map<String, Long> m = new HashMap<>();
        m.put("openTunnels", (long) openTunnels);
        m.put("openHandshakes", 0L);
        m.put("lingeringRejections", 0L);
        m.put("limitBytes", 32 * MIB);
        m.put("usedBytes", used);
        m.put("peakBytes", 20 * MIB);
        m.put("internalErrors", internalErrors);
        m.put("schedulerReplacements", 0L);
        m.put("rejected502", 3L);
        m.put("heapUsedBytes", 20 * MIB);
        m.put("directBytes", 16 * MIB);
        return m;
    }

    private static List<Sample> samples(UnaryOperator<Sample> change) {
        List<Sample> out = new ArrayList<>();
        double t = 0;
        out.add(new Sample(t++, "cold", -1, true, 40 * 1024, 9, 15, stats(0, 0, 0)));
        for (int i = 0; i < 5; i++) {
            out.add(new Sample(t++, "warm-up", 0, true, 55 * 1024, 100, 20, stats(10 * MIB, 0, 50)));
        }
        for (int i = 0; i < 5; i++) {
            out.add(new Sample(t++, "baseline", -1, true, (50 + i) * 1024, 10, 18, stats(0, 0, 0)));
        }
        for (int i = 0; i < 11; i++) {
            out.add(change.apply(new Sample(t++, "run", 1, true, (60 + i) * 1024, 100 + i, 20,
                    stats(i * MIB, 0, 40 + i))));
        }
        return out;
    }

    private static SoakTally tally(boolean unexpected) {
        SoakTally tally = new SoakTally(1);
        tally.ok("storm", 1000);
        tally.startMeasuring(System.nanoTime());
        for (String kind : SoakReport.KINDS) {
            tally.ok(kind, 100);
        }
        tally.expected("server-reset", "reset by the server", 10);
        tally.rtt(1_000_000);
        tally.rtt(3_000_000);
        if (unexpected) {
            tally.unexpected("bulk", "bytes differ", "detail");
        }
        return tally;
    }

    private static SoakReport report(List<Sample> samples, SoakTally tally, Sample last, Integer exit) {
        return new SoakReport(OPTIONS, samples, tally, new SoakReport.Settle(true, 2, last), List.of(), exit, 0, 0,
                List.of());
    }

    private static Sample settled(long rssMib, int fds) {
        return new Sample(99, "settle", -1, true, rssMib * 1024, fds, 18, stats(0, 0, 0));
    }

    private static List<String> failed(SoakReport r) {
        return r.checks().stream().filter(c -> !c.pass()).map(Check::name).toList();
    }

    @Test
    void aCleanRunPassesAndItsTableHasAMinuteRowAndAnAfterRow() {
        SoakReport r = report(samples(s -> s), tally(false), settled(57, 11), 0);
        assertEquals(List.of(), failed(r));
        assertTrue(r.passed());
        assertEquals(52 * 1024, r.baselineValues().rssKiB()); // median of 50..54 MiB
        assertEquals(10, r.baselineValues().fds());
        SoakReport.Row minute = r.rows().get(1);
        assertEquals("1", minute.label());
        assertEquals(65.0, minute.rssMib());                     // median of 60..70
        assertEquals(105.0, minute.fds());
        assertEquals(5.0, minute.usedMib());
        assertEquals(10.0, minute.maxUsedMib());
        assertEquals(SoakReport.KINDS.size(), minute.ok());
        assertEquals(1, minute.expected());
        assertEquals(1.0, minute.rttP50Ms());
        assertEquals("warm-up", r.rows().get(0).label());
        assertEquals(1, r.rows().get(0).ok());
        assertEquals("after", r.rows().get(2).label());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("| 1 | 65.0 | 105 | 20 | 5.0 (10.0) | 20.0 / 16.0 | 45 | 7 | 1 | 0 | 1.00 / 3.00 |"), text);
        assertTrue(text.contains("verdict: PASS"), text);
        String json = r.json();
        assertTrue(json.startsWith("{\"command\":\"soak\",\"verdict\":\"pass\","), json);
        assertTrue(json.contains("{\"minute\":\"1\",\"rssMiB\":65.0000,"), json);
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
        assertEquals(json.chars().filter(c -> c == '[').count(), json.chars().filter(c -> c == ']').count());
    }

    @Test
    void memoryOverItsLimitAtOneSampleFails() {
        SoakReport r = report(samples(s -> s.atSeconds() == 15 ? new Sample(s.atSeconds(), s.phase(), s.bucket(),
                true, s.rssKiB(), s.fds(), s.threads(), stats(33 * MIB, 0, 1)) : s), tally(false), settled(57, 11), 0);
        assertEquals(List.of("memory budget used ≤ limit"), failed(r));
        assertFalse(r.passed());
    }

    @Test
    void anInternalErrorFails() {
        SoakReport r = report(samples(s -> s.atSeconds() == 15 ? new Sample(s.atSeconds(), s.phase(), s.bucket(),
                true, s.rssKiB(), s.fds(), s.threads(), stats(0, 1, 1)) : s), tally(false), settled(57, 11), 0);
        assertEquals(List.of("internalErrors"), failed(r));
    }

    @Test
    void anUnexpectedTunnelFailureFails() {
        assertEquals(List.of("unexpected tunnel failures (warm-up and run)"),
                failed(report(samples(s -> s), tally(true), settled(57, 11), 0)));
    }

    @Test
    void rssOrDescriptorsAboveTheirMarginAfterTheLoadFail() {
        assertEquals(List.of("RSS back to baseline"), failed(report(samples(s -> s), tally(false), settled(61, 12), 0)));
        assertEquals(List.of("descriptors back to baseline"),
                failed(report(samples(s -> s), tally(false), settled(60, 13), 0)));
    }

    @Test
    void aTunnelLeftOpenFails() {
        Sample open = new Sample(99, "settle", -1, true, 52 * 1024, 10, 18, stats(0, 0, 1));
        assertEquals(List.of("nothing left open after the load"),
                failed(report(samples(s -> s), tally(false), open, 0)));
    }

    @Test
    void aProxyThatDiedOrExitedBadlyFails() {
        SoakReport died = report(samples(s -> s.atSeconds() >= 20 ? new Sample(s.atSeconds(), s.phase(), s.bucket(),
                false, -1, -1, -1, null) : s), tally(false), settled(57, 11), 134);
        assertTrue(failed(died).contains("proxy process"), failed(died).toString());
        assertEquals(List.of("proxy process"), failed(report(samples(s -> s), tally(false), settled(57, 11), 1)));
    }

    @Test
    void statsThatStopAnsweringFail() {
        SoakReport r = report(samples(s -> s.atSeconds() == 15 ? new Sample(s.atSeconds(), s.phase(), s.bucket(),
                true, s.rssKiB(), s.fds(), s.threads(), null) : s), tally(false), settled(57, 11), 0);
        assertEquals(List.of("stats answered within 3 s"), failed(r)); // 21 of 22: under 99 %
    }

    @Test
    void aKindOfLoadThatNeverRanFails() {
        SoakTally t = new SoakTally(1);
        t.startMeasuring(System.nanoTime());
        for (String kind : SoakReport.KINDS) {
            if (!kind.equals("never-name")) {
                t.ok(kind, 1);
            }
        }
        SoakReport r = report(samples(s -> s), t, settled(57, 11), 0);
        assertEquals(List.of("every kind of load ran"), failed(r));
        assertTrue(r.checks().stream().anyMatch(c -> c.measured().equals("none of: never-name")));
    }
}
