package dev.fyntr.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/grafana-dashboard.json is valid JSON, and every fyntr_ metric it plots is one the command serves. */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of(System.getProperty("fyntr.docs", "../docs"), "grafana-dashboard.json");
    private static final Pattern FYNTR_METRIC = Pattern.compile("\\bfyntr_[a-z0-9_]+");

    @Test
    void shouldBeValidJsonWithPanelsThatPlotServedMetrics() throws IOException {
        Object parsed = new Json(Files.readString(DASHBOARD, StandardCharsets.UTF_8)).parseDocument();
        assertTrue(parsed instanceof Map, "the dashboard is a JSON object");
        Map<?, ?> dashboard = (Map<?, ?>) parsed;
        assertEquals("Fyntr", dashboard.get("title"));
        List<?> panels = (List<?>) dashboard.get("panels");
        assertFalse(panels.isEmpty());
        int plotted = 0;
        for (Object p : panels) {
            for (Object t : (List<?>) ((Map<?, ?>) p).get("targets")) {
                Matcher m = FYNTR_METRIC.matcher((String) ((Map<?, ?>) t).get("expr"));
                while (m.find()) {
                    plotted++;
                    String name = m.group();
                    assertTrue(DocumentedMetrics.NAMES.contains(name), name + " is not a metric the command serves");
                }
            }
        }
        assertTrue(plotted > 0);
    }

    @Test
    void shouldListInTheTestsEveryMetricTheDocsList() throws IOException {
        java.util.Set<String> inDoc = DocumentedMetrics.inOperationsDoc();
        assertTrue(inDoc.size() >= 20, inDoc.toString());
        for (String name : inDoc) {
            assertTrue(DocumentedMetrics.NAMES.contains(name), name + " is documented but the scrape test does not check it");
        }
    }

    @Test
    void shouldRefuseMalformedJson() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "[1,]", "{\"a\":tru}", "\"unterminated", "{} x", "[01]"}) {
            assertThrows(IllegalArgumentException.class, () -> new Json(bad).parseDocument(), bad);
        }
        assertEquals(java.util.Arrays.asList(1.0, "x\"y", true, null), new Json("[1, \"x\\\"y\", true, null]").parseDocument());
    }

    /** A strict RFC 8259 reader, enough to check a file (the JDK has none). */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parseDocument() {
            Object v = value();
            skipSpace();
            if (i != s.length()) {
                throw error("text after the value");
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw error("end of input");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (peek('}')) {
                i++;
                return map;
            }
            while (true) {
                skipSpace();
                if (!peek('"')) {
                    throw error("a key");
                }
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek(',')) {
                    i++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++;
            skipSpace();
            if (peek(']')) {
                i++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (peek(',')) {
                    i++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("a control character in a string");
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        break;
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw error("a \\u escape");
                            }
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> throw error("an escape");
                    }
                } else {
                    sb.append(c);
                }
            }
            throw error("an unterminated string");
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error(word);
            }
            i += word.length();
            return v;
        }

        private Double number() {
            Matcher m = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?").matcher(s).region(i, s.length());
            if (!m.lookingAt()) {
                throw error("a value");
            }
            i = m.end();
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
                throw error("a number");
            }
            return Double.parseDouble(m.group());
        }

        private void skipSpace() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("'" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("expected " + expected + " at offset " + i);
        }
    }
}
