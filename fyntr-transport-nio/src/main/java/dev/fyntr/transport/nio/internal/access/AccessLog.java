package dev.fyntr.transport.nio.internal.access;

import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The access log: one INFO line on the logger {@value #LOGGER_NAME} per tunnel (when it closes), per refusal (when
 * its connection closes, after the client read the answer) and per connection that ended before any answer, in a
 * fixed key=value format (docs/operations.md#access-log):
 *
 * <pre>
 * kind=connect client=127.0.0.1:53412 target=example.com:443 resolved=93.184.215.14:443 status=200 error=- up=812 down=5123 duration_ms=48 close="client closed"
 * </pre>
 *
 * <p>Keys are always present and always in this order ({@code method=} follows {@code kind=} for plain HTTP); a
 * missing value is {@code -}; a value with a space, a quote or {@code =} is quoted with {@code "} (and {@code "}
 * and {@code \} escaped); anything outside printable ASCII is escaped. The line is formatted and written by the log
 * writer thread ({@link LogHandoff}), never on the event loop; when the writer cannot keep up the line is dropped
 * and counted ({@link #dropped}).
 *
 * <p>Threads: {@link #connection} on the event loop only; the rest anywhere.
 */
public final class AccessLog {

    public static final String LOGGER_NAME = "fyntr.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final boolean on;
    private volatile Consumer<String> tap;
    // One writer (the loop thread); volatile so that JMX and metrics readers see recent figures.
    private volatile long lines;
    private volatile long dropped;

    /** @param on whether to write lines at all ({@code --access-log}) */
    public AccessLog(boolean on) {
        this.on = on;
    }

    /** Whether lines are written: switched on and the logger at INFO (or a test tap set). */
    public boolean enabled() {
        return on && (LOG.isInfoEnabled() || tap != null);
    }

    /**
     * Also hands every line to {@code tap}, on the log writer thread; for tests (a tap of {@code null} removes it).
     */
    public void tap(Consumer<String> tap) {
        this.tap = tap;
    }

    /**
     * One connection ended. Event-loop thread only; the line is built on the writer thread.
     *
     * @param kind          {@code connect}, {@code socks5} or {@code http}
     * @param method        the plain HTTP method, or null for tunnels
     * @param client        the client's address (null: unknown)
     * @param target        {@code host:port} asked for, or null if the request never named one
     * @param resolved      the upstream address connected to, or null
     * @param status        the HTTP status answered (SOCKS5: its HTTP equivalent), 0 when none was
     * @param error         the RFC 9209 Proxy-Status error type, or null
     * @param durationNanos from accept to close
     * @param close         why the connection closed
     */
    public void connection(String kind, String method, InetSocketAddress client, String target,
                           InetSocketAddress resolved, int status, String error, long up, long down,
                           long durationNanos, String close) {
        if (!enabled()) {
            return;
        }
        Consumer<String> t = tap;
        boolean queued = LogHandoff.submit(() -> {
            String line = line(kind, method, client, target, resolved, status, error, up, down,
                    durationNanos / 1_000_000, close);
            LOG.info(line);
            if (t != null) {
                t.accept(line);
            }
        });
        if (queued) {
            lines++;
        } else {
            dropped++;
        }
    }

    /** Lines handed to the writer since start. */
    public long lines() {
        return lines;
    }

    /** Lines dropped since start because the log writer could not keep up. */
    public long dropped() {
        return dropped;
    }

    /**
     * At shutdown: one line with the totals, {@code kind=totals connections=… tunnels=… refusals=… up=… down=…
     * access_lines=… access_lines_dropped=…}. Call once the event loop has ended.
     */
    public void totals(ProxyStats stats) {
        if (!enabled()) {
            return;
        }
        String line = "kind=totals connections=" + stats.connectionsAccepted() + " tunnels=" + stats.tunnelsOpened()
                + " refusals=" + stats.rejections() + " up=" + stats.bytesUpstream() + " down="
                + stats.bytesDownstream() + " access_lines=" + lines + " access_lines_dropped=" + dropped;
        Consumer<String> t = tap;
        LogHandoff.submit(() -> {
            LOG.info(line);
            if (t != null) {
                t.accept(line);
            }
        });
    }

    /** The line for one connection (see the class comment). */
    static String line(String kind, String method, InetSocketAddress client, String target,
                       InetSocketAddress resolved, int status, String error, long up, long down, long durationMillis,
                       String close) {
        StringBuilder sb = new StringBuilder(200);
        sb.append("kind=");
        value(sb, kind);
        if (method != null) {
            sb.append(" method=");
            value(sb, method);
        }
        sb.append(" client=");
        value(sb, client == null ? null : Formats.endpoint(client));
        sb.append(" target=");
        value(sb, target);
        sb.append(" resolved=");
        value(sb, resolved == null ? null : Formats.endpoint(resolved));
        sb.append(" status=");
        value(sb, status == 0 ? null : Integer.toString(status));
        sb.append(" error=");
        value(sb, error);
        sb.append(" up=").append(up).append(" down=").append(down).append(" duration_ms=").append(durationMillis);
        sb.append(" close=");
        value(sb, close);
        return sb.toString();
    }

    private static void value(StringBuilder sb, String raw) {
        if (raw == null || raw.isEmpty()) {
            sb.append('-');
            return;
        }
        String v = LogSafe.sanitize(raw);
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ' ' || c == '"' || c == '=';
        }
        if (!quote) {
            sb.append(v);
            return;
        }
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }
}
