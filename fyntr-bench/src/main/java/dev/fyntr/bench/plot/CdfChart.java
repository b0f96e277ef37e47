package dev.fyntr.bench.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart of cumulative distributions on a logarithmic x axis: for each line, the fraction of samples (y, 0–100 %)
 * at or below a value (x). Drawn as steps, the way an empirical distribution is: the line is flat between
 * samples. Same input, same bytes.
 */
final class CdfChart {

    /**
     * One line of the chart.
     *
     * @param cdf    the distribution
     * @param label  the legend's text (the p50 is appended)
     * @param color  an SVG colour
     * @param dashed dashed instead of solid
     */
    record Line(Cdf cdf, String label, String color, boolean dashed) {
    }

    static final int WIDTH = 960;
    static final int HEIGHT = 580;
    private static final double LEFT = 70;
    private static final double RIGHT = WIDTH - 300;
    private static final double TOP = 85;
    private static final double BOTTOM = HEIGHT - 110;

    private final String title;
    private final List<String> subtitle;
    private final String xLabel;
    private final List<String> footnotes;
    private final List<Line> lines = new ArrayList<>();

    /**
     * @param title     the heading
     * @param subtitle  lines under it (two fit), e.g. how the data was made
     * @param xLabel    the x axis's label, with its unit
     * @param footnotes lines at the bottom, e.g. the command that regenerates the chart
     */
    CdfChart(String title, List<String> subtitle, String xLabel, List<String> footnotes) {
        this.title = title;
        this.subtitle = List.copyOf(subtitle);
        this.xLabel = xLabel;
        this.footnotes = List.copyOf(footnotes);
    }

    CdfChart add(Line line) {
        if (line.cdf().values().length == 0) {
            throw new IllegalArgumentException("no samples in " + line.cdf());
        }
        lines.add(line);
        return this;
    }

    /** The x axis for the lines: from the smallest positive value to the largest, in whole decades. */
    LogAxis axis() {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Line l : lines) {
            for (double v : l.cdf().values()) {
                if (v > 0) {
                    min = Math.min(min, v);
                }
                max = Math.max(max, v);
            }
        }
        if (max <= 0) {
            throw new IllegalStateException("nothing positive to draw");
        }
        return LogAxis.covering(min, max, LEFT, RIGHT);
    }

    /** y pixel of a fraction in [0, 1]. */
    static double y(double fraction) {
        return BOTTOM - fraction * (BOTTOM - TOP);
    }

    /** The chart as an SVG document. */
    String svg() {
        if (lines.isEmpty()) {
            throw new IllegalStateException("a chart needs at least one line");
        }
        LogAxis x = axis();
        Svg svg = new Svg(WIDTH, HEIGHT);
        svg.text(LEFT, 28, title, 18, "start", "bold");
        for (int i = 0; i < subtitle.size(); i++) {
            svg.text(LEFT, 48 + 15 * i, subtitle.get(i), 12, "start", null);
        }
        // Grid and y axis: every 10 %.
        for (int p = 0; p <= 100; p += 10) {
            double yy = y(p / 100.0);
            svg.line(LEFT, yy, RIGHT, yy, p % 50 == 0 ? "#bbbbbb" : "#e4e4e4", 1, null);
            svg.text(LEFT - 8, yy + 4, p + " %", 11, "end", null);
        }
        for (double tick : x.ticks()) {
            double xx = x.position(tick);
            boolean decade = LogAxis.isDecade(tick);
            svg.line(xx, TOP, xx, BOTTOM, decade ? "#bbbbbb" : "#eeeeee", 1, null);
            if (decade || x.highDecade() - x.lowDecade() <= 3) {
                svg.text(xx, BOTTOM + 18, LogAxis.label(tick), 11, "middle", null);
            }
        }
        svg.rect(LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP, "none", "#888888");
        svg.text((LEFT + RIGHT) / 2, BOTTOM + 40, xLabel + " (log scale)", 13, "middle", null);
        svg.verticalText(22, (TOP + BOTTOM) / 2, "share of samples at or below x", 13);
        // The lines, as steps.
        double legendY = TOP + 10;
        for (Line l : lines) {
            double[] fs = l.cdf().fractions();
            double[] vs = l.cdf().values();
            double[] px = new double[2 * vs.length];
            double[] py = new double[2 * vs.length];
            int n = 0;
            double previous = 0;
            for (int i = 0; i < vs.length; i++) {
                double xx = x.position(vs[i]);
                px[n] = xx;
                py[n++] = y(previous);
                px[n] = xx;
                py[n++] = y(fs[i]);
                previous = fs[i];
            }
            String dash = l.dashed() ? "6 4" : null;
            svg.polyline(px, py, n, l.color(), 2, dash);
            // Legend entry, with the median read off the same data.
            svg.line(RIGHT + 20, legendY, RIGHT + 50, legendY, l.color(), 2.5, dash);
            svg.text(RIGHT + 58, legendY + 4, l.label(), 12, "start", null);
            svg.text(RIGHT + 58, legendY + 19, String.format(Locale.ROOT, "p50 %s, p99 %s %s (%,d samples)",
                    value(l.cdf().percentile(50)), value(l.cdf().percentile(99)), l.cdf().unit(),
                    l.cdf().samples()), 10, "start", null);
            legendY += 40;
        }
        double footY = HEIGHT - 14;
        for (int i = footnotes.size() - 1; i >= 0; i--) {
            svg.text(LEFT, footY, footnotes.get(i), 10, "start", null);
            footY -= 14;
        }
        return svg.document();
    }

    /** Three significant digits, plain. */
    static String value(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
    }
}
