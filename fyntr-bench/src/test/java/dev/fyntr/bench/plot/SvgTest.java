package dev.fyntr.bench.plot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SVG writer, the log axis and the chart: deterministic bytes for the same data. */
class SvgTest {

    @Test
    void numbersHaveAtMostTwoDecimalsAndNoExponent() {
        assertEquals("1", Svg.num(1.0));
        assertEquals("1.5", Svg.num(1.5));
        assertEquals("0.33", Svg.num(1 / 3.0));
        assertEquals("123456789", Svg.num(123_456_789));
        assertEquals("0", Svg.num(-0.001));
        assertEquals("-2.25", Svg.num(-2.25));
        assertThrows(IllegalArgumentException.class, () -> Svg.num(Double.NaN));
    }

    @Test
    void textIsEscapedForXml() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; e", Svg.escape("a <b> & \"c\" 'd'\u0001e"));
        String doc = new Svg(10, 10).text(1, 2, "p50 < 2 × idle", 12, "start", null).document();
        assertTrue(doc.contains(">p50 &lt; 2 × idle</text>"), doc);
        assertTrue(doc.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(doc.endsWith("</svg>\n"));
    }

    @Test
    void logAxisCoversWholeDecadesAndMapsThemEvenly() {
        LogAxis axis = LogAxis.covering(15, 2_300, 100, 400);
        assertEquals(1, axis.lowDecade());
        assertEquals(4, axis.highDecade());
        assertEquals(100, axis.position(10), 1e-9);
        assertEquals(200, axis.position(100), 1e-9);
        assertEquals(400, axis.position(10_000), 1e-9);
        assertEquals(100, axis.position(0), 1e-9, "0 and anything below the axis sit at its start");
        assertEquals(400, axis.position(1e9), 1e-9, "and anything above at its end");
        assertEquals(List.of(10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0), axis.ticks());
        LogAxis exact = LogAxis.covering(100, 100, 0, 1);
        assertEquals(2, exact.lowDecade());
        assertEquals(3, exact.highDecade(), "at least one decade");
        assertThrows(IllegalArgumentException.class, () -> LogAxis.covering(0, 1, 0, 1));
    }

    @Test
    void tickLabelsArePlain() {
        assertEquals("0.001", LogAxis.label(0.001));
        assertEquals("0.5", LogAxis.label(0.5));
        assertEquals("20", LogAxis.label(20));
        assertEquals("1,000", LogAxis.label(1000));
        assertEquals("100k", LogAxis.label(100_000));
        assertTrue(LogAxis.isDecade(1000) && !LogAxis.isDecade(2000));
    }

    @Test
    void aChartDrawsEveryLineAsStepsWithItsMedianInTheLegendAndTheSameBytesTwice() {
        Cdf fast = Cdf.of("s", "a", "ms", new long[] {1, 2, 3, 4}, 4, 1, 10);
        Cdf slow = Cdf.of("s", "b", "ms", new long[] {100, 200}, 2, 1, 10);
        CdfChart chart = new CdfChart("T & t", List.of("sub"), "delay, ms", List.of("foot"))
                .add(new CdfChart.Line(fast, "fast", "#111111", false))
                .add(new CdfChart.Line(slow, "slow", "#222222", true));
        String svg = chart.svg();
        assertEquals(svg, chart.svg());
        assertTrue(svg.contains(">T &amp; t</text>"), svg);
        assertTrue(svg.contains(">p50 2.00, p99 4.00 ms (4 samples)</text>"), svg);
        assertTrue(svg.contains(">p50 100, p99 200 ms (2 samples)</text>"), svg);
        // Axis 1..1000 ms. The slow line: up from 0 % to 50 % at x(100), then to 100 % at x(200).
        LogAxis x = chart.axis();
        assertEquals(0, x.lowDecade());
        assertEquals(3, x.highDecade());
        String x100 = Svg.num(x.position(100));
        String x200 = Svg.num(x.position(200));
        String expected = "stroke-dasharray=\"6 4\" points=\"" + x100 + "," + Svg.num(CdfChart.y(0)) + " " + x100 + ","
                + Svg.num(CdfChart.y(0.5)) + " " + x200 + "," + Svg.num(CdfChart.y(0.5)) + " " + x200 + ","
                + Svg.num(CdfChart.y(1)) + "\"";
        assertTrue(svg.contains(expected), expected + "\n" + svg);
        assertThrows(IllegalStateException.class, () -> new CdfChart("t", List.of(), "x", List.of()).svg());
    }
}
