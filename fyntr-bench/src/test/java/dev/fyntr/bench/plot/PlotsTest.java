package dev.fyntr.bench.plot;

import dev.fyntr.bench.load.LoadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plot command: from the tools' JSON to SVG, and precise errors for missing data or bad usage. */
class PlotsTest {

    private static LoadReport report(String label, long proxyMicros) {
        List<Cdf> cdfs = List.of(
                Cdf.of("64B RTT idle", "direct", "us", new long[] {20_000, 21_000}, 2, 1e3, 10),
                Cdf.of("64B RTT +16 bulk", "direct", "us", new long[] {22_000, 30_000}, 2, 1e3, 10),
                Cdf.of("64B RTT idle", label, "us", new long[] {40_000, 50_000}, 2, 1e3, 10),
                Cdf.of("64B RTT +16 bulk", label, "us", new long[] {proxyMicros * 1000, proxyMicros * 2000}, 2, 1e3,
                        10));
        return new LoadReport("interactive", "test", label, 1,
                List.of(new LoadReport.Row("interactive", "64B RTT p50, us", 20.0, 40.0, 2.0),
                        new LoadReport.Row("interactive", "missing", null, 1.0, null)), cdfs);
    }

    @Test
    void loadReportSurvivesAJsonRoundTripNullsIncluded() throws IOException {
        LoadReport r = report("fyntr", 500);
        LoadReport back = LoadReport.parse(r.toJson());
        assertEquals(r, back);
        assertEquals(null, back.row("interactive", "missing").direct());
    }

    @Test
    void echoPlotHasALinePerRouteFromEveryFile(@TempDir Path dir) throws IOException {
        Path fyntr = Files.writeString(dir.resolve("fyntr.json"), report("fyntr", 500).toJson());
        Path squid = Files.writeString(dir.resolve("squid.json"), report("squid", 2300).toJson());
        Path out = dir.resolve("echo.svg");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Plots.run(new String[] {"echo", "--out", out.toString(), fyntr.toString(), squid.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String svg = Files.readString(out);
        for (String label : List.of("direct", "fyntr", "squid")) {
            assertTrue(svg.contains(">" + label + ", 16 uploads running</text>"), svg);
            assertTrue(svg.contains(">" + label + ", idle</text>"), svg);
        }
        assertTrue(svg.contains(">p50 2,300, p99 4,600 us (2 samples)</text>"), svg);
        assertEquals(6, svg.split("<polyline").length - 1);
    }

    @Test
    void missingDataAndBadUsageAreReportedWithoutAStackTrace(@TempDir Path dir) throws IOException {
        LoadReport noSamples = new LoadReport("bulk", "test", "fyntr", 1, List.of(), List.of());
        Path in = Files.writeString(dir.resolve("bulk.json"), noSamples.toJson());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, Plots.run(new String[] {"echo", "--out", dir.resolve("x.svg").toString(), in.toString()},
                quiet, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no interactive echo samples for direct"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(1, Plots.run(new String[] {"echo", "--out", dir.resolve("x.svg").toString(),
                dir.resolve("absent.json").toString()}, quiet, quiet));
        assertEquals(2, Plots.run(new String[] {"echo", in.toString()}, quiet, quiet));
        assertEquals(2, Plots.run(new String[] {"pie", "--out", "x.svg", in.toString()}, quiet, quiet));
        assertEquals(2, Plots.run(new String[] {"sparse", "--out", "x.svg", "--flows", "0", in.toString()}, quiet,
                quiet));
    }
}
