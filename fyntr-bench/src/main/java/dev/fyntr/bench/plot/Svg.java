package dev.fyntr.bench.plot;

import java.util.Locale;

/**
 * A minimal SVG 1.1 writer: the few shapes a chart needs, numbers with at most two decimals (so that the same data
 * gives the same bytes on every machine), and text escaped for XML. Not thread-safe; one per drawing.
 */
final class Svg {

    private final StringBuilder body = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    Svg rect(double x, double y, double w, double h, String fill, String stroke) {
        body.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(w)).append("\" height=\"").append(num(h)).append("\" fill=\"").append(attr(fill))
                .append("\" stroke=\"").append(attr(stroke)).append("\"/>\n");
        return this;
    }

    /** A straight line; {@code dash} is an SVG dash array such as {@code "6 4"}, or null for a solid line. */
    Svg line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth, String dash) {
        body.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(attr(stroke))
                .append("\" stroke-width=\"").append(num(strokeWidth)).append('"');
        if (dash != null) {
            body.append(" stroke-dasharray=\"").append(attr(dash)).append('"');
        }
        body.append("/>\n");
        return this;
    }

    /** An open line through {@code xs[i], ys[i]}; {@code dash} as for {@link #line}. */
    Svg polyline(double[] xs, double[] ys, int count, String stroke, double strokeWidth, String dash) {
        if (xs.length < count || ys.length < count) {
            throw new IllegalArgumentException("fewer coordinates than " + count);
        }
        body.append("<polyline fill=\"none\" stroke=\"").append(attr(stroke)).append("\" stroke-width=\"")
                .append(num(strokeWidth)).append('"');
        if (dash != null) {
            body.append(" stroke-dasharray=\"").append(attr(dash)).append('"');
        }
        body.append(" points=\"");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : " ").append(num(xs[i])).append(',').append(num(ys[i]));
        }
        body.append("\"/>\n");
        return this;
    }

    /** Text at {@code (x, y)}; {@code anchor} is {@code start}, {@code middle} or {@code end}. */
    Svg text(double x, double y, String text, int size, String anchor, String weight) {
        body.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"")
                .append(size).append("\" text-anchor=\"").append(attr(anchor)).append('"');
        if (weight != null) {
            body.append(" font-weight=\"").append(attr(weight)).append('"');
        }
        body.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    /** Text turned 90° anticlockwise around {@code (x, y)}, for a vertical axis's label. */
    Svg verticalText(double x, double y, String text, int size) {
        body.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"")
                .append(size).append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(num(x)).append(' ')
                .append(num(y)).append(")\">").append(escape(text)).append("</text>\n");
        return this;
    }

    /** The whole document. */
    String document() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"Helvetica, Arial, sans-serif\">\n"
                + "<rect x=\"0\" y=\"0\" width=\"" + width + "\" height=\"" + height + "\" fill=\"#ffffff\"/>\n"
                + body + "</svg>\n";
    }

    /** At most two decimals, no trailing zeros, never an exponent. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("not a finite coordinate: " + v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    /** {@code s} with XML's five special characters escaped; control characters other than tab become spaces. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }

    private static String attr(String s) {
        return escape(s);
    }
}
