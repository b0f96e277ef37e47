package dev.fyntr.bench.load;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaping measurement runs each of its modes end to end and prints its line. Short runs, and nothing about
 * how fast: only that bytes and connections went through the real proxy and were counted.
 */
class ShapingMeasurementTest {

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ShapingMeasurement.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Matcher find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in: " + text);
        return m;
    }

    @Test
    void stormOpensEveryRequestedTunnelThroughTheConnectPacer() throws Exception {
        String out = run("storm", "50", "30");
        Matcher m = find("^storm 30 tunnels at 50/s: sent in (\\d+) ms, 30 x 200 in [0-9.]+ s; "
                + "upstream connections per second \\[[0-9, ]+]; full seconds 1--?\\d+: min \\d+, max \\d+; "
                + "503s 0, delayed (\\d+), expired 0$",
                out.strip());
        // A burst of 5, then 50 per second: all but 5 and those earned while the requests were being sent waited.
        double sentSeconds = (Long.parseLong(m.group(1)) + 1) / 1000.0;
        assertTrue(Integer.parseInt(m.group(2)) >= 30 - 5 - Math.ceil(sentSeconds * 50), out);
    }

    @Test
    void throughputCountsWhatTheUploadsDelivered() throws Exception {
        String out = run("throughput", "2", "1");
        Matcher m = find("^throughput, 2 flows, no limit: ([0-9.]+) MB/s$", out.strip());
        assertTrue(Double.parseDouble(m.group(1)) > 0, out);
    }

    @Test
    void rateReportsWindowsFairnessAndInteractiveRoundTripsUnderTheCap() throws Exception {
        String out = run("rate", "2000000", "2", "1", "50");
        Matcher m = find("^ping every 50 ms, quantum adaptive: rate 2000000 B/s, 2 flows, 1 s: aggregate ([0-9.]+) "
                + "MB/s; 100 ms windows within ±10%: \\d+/10 \\(worst [0-9.]+%\\); max 10 ms window (\\d+) B "
                + "\\(allowance 85536 B\\); Jain [0-9.]+; interactive RTT p50 [0-9.]+ ms, p99 [0-9.]+ ms, "
                + "max [0-9.]+ ms \\((\\d+) pings\\); held back now \\d+ B, throttles (\\d+)$", out.strip());
        assertTrue(Double.parseDouble(m.group(1)) > 0, out);
        assertTrue(Long.parseLong(m.group(2)) > 0, "the sink counted bytes per 10 ms window: " + out);
        assertTrue(Integer.parseInt(m.group(3)) > 0, out);
        assertTrue(Long.parseLong(m.group(4)) > 0, "uploads flat out under a 2 MB/s cap must hit it: " + out);
    }

    @Test
    void unknownModeIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("nonsense"));
        assertEquals("unknown mode nonsense; rate | storm | throughput", e.getMessage());
    }
}
