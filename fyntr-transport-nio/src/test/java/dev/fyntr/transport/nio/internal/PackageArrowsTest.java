package dev.fyntr.transport.nio.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport's package arrows point one way (docs/architecture.md): this reads every main source file, collects
 * which internal packages it names (imports and fully qualified names alike), and fails on an arrow the layering
 * does not allow, on a cycle, and on a package the layering does not know yet (add it here and in the doc).
 */
class PackageArrowsTest {

    private static final String INTERNAL = "dev.fyntr.transport.nio.internal";
    private static final Path SOURCES = Path.of("src/main/java/dev/fyntr/transport/nio");
    private static final Pattern REFERENCE = Pattern.compile(
            "dev\\.fyntr\\.transport\\.nio\\.internal((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    /** Package (relative to {@code internal}, "" for the root, "api" for the exported one) → what it may use. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("net", Set.of()),
            Map.entry("loop", Set.of("net")),
            Map.entry("policy", Set.of("net")),
            Map.entry("threat", Set.of("net")),
            // Credentials (docs/auth.md): parsed and checked on their own threads; only the failure type from net.
            Map.entry("auth", Set.of("net")),
            Map.entry("shaping", Set.of("loop", "net")),
            Map.entry("dial", Set.of("loop", "shaping", "net")),
            Map.entry("handshake", Set.of("dial", "shaping", "loop", "policy", "threat", "auth", "net")),
            Map.entry("handshake.http", Set.of("handshake", "auth", "net")),
            Map.entry("handshake.socks", Set.of("handshake", "auth", "net")),
            // metrics (histograms) and access (the access log) are leaves the tunnel reports to; jmx only reads the
            // public figures, so only the internal root, which registers it, knows it.
            Map.entry("metrics", Set.of()),
            Map.entry("access", Set.of("net")),
            Map.entry("jmx", Set.of()),
            // forward: plain-HTTP forwarding, a third thing a connection can become; it parses later requests with
            // handshake.http's parser, dials through handshake, checks later requests' credentials with auth, and
            // writes its access lines through access and its bodies' queueing delays to metrics; the tunnel (which
            // owns connections) uses it.
            Map.entry("forward", Set.of("handshake", "handshake.http", "dial", "shaping", "loop", "policy", "threat",
                    "auth", "access", "metrics", "net")),
            Map.entry("tunnel", Set.of("forward", "handshake", "dial", "shaping", "loop", "policy", "threat", "net",
                    "metrics", "access")),
            Map.entry("", Set.of("tunnel", "forward", "handshake", "handshake.http", "handshake.socks", "dial",
                    "shaping", "loop", "policy", "threat", "auth", "net", "metrics", "access", "jmx")),
            Map.entry("api", Set.of("", "policy", "shaping", "threat", "auth", "net")));

    @Test
    void shouldOnlyHaveArrowsTheLayeringAllows() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        List<String> forbidden = new ArrayList<>();
        arrows.forEach((from, tos) -> {
            assertTrue(ALLOWED.containsKey(from), "package '" + from + "' is not in the layering: add it to ALLOWED "
                    + "and to docs/architecture.md");
            for (String to : tos) {
                if (!ALLOWED.get(from).contains(to)) {
                    forbidden.add(name(from) + " → " + name(to));
                }
            }
        });
        assertEquals(List.of(), forbidden, "arrows the layering forbids");
    }

    @Test
    void shouldHaveNoPackageCycles() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        for (String start : arrows.keySet()) {
            if (start.equals("api")) {
                continue; // the API and the internal root know each other by design: the builder starts the proxy
            }
            List<String> cycle = cycleFrom(start, start, arrows, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertEquals(List.of(), cycle, "a package cycle");
        }
    }

    @Test
    void shouldAllowNoCycleInTheLayeringItself() {
        for (String start : ALLOWED.keySet()) {
            if (!start.equals("api")) {
                assertEquals(List.of(), cycleFrom(start, start, ALLOWED, new ArrayList<>(List.of(start)),
                        new TreeSet<>()), "a cycle in ALLOWED");
            }
        }
    }

    /** A path from {@code at} back to {@code start} (ignoring "api"), or an empty list. */
    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> arrows, List<String> path,
                                          Set<String> seen) {
        for (String next : arrows.getOrDefault(at, Set.of())) {
            if (next.equals("api")) {
                continue;
            }
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(next);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, arrows, path, seen);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }

    /** Package → the internal packages its sources name. */
    static Map<String, Set<String>> arrows() throws IOException {
        Map<String, Set<String>> arrows = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String from = packageOf(SOURCES.relativize(file.getParent()).toString().replace('/', '.'));
                Set<String> tos = arrows.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                    if (!to.equals(from)) {
                        tos.add(to);
                    }
                }
            }
        }
        assertTrue(arrows.size() > 5, "no sources found under " + SOURCES.toAbsolutePath());
        return arrows;
    }

    private static String packageOf(String relative) {
        if (relative.isEmpty()) {
            return "api";
        }
        return relative.equals("internal") ? "" : relative.substring("internal.".length());
    }

    private static String name(String pkg) {
        return pkg.equals("api") ? "dev.fyntr.transport.nio" : pkg.isEmpty() ? INTERNAL : INTERNAL + "." + pkg;
    }
}
