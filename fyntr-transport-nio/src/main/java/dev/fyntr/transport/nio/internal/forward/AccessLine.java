package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * One access-log line per plain-HTTP request on the {@code fyntr.access} logger, in the proxy's key=value format
 * (docs/plain-http.md#access-log):
 * {@code kind=http method=GET client=127.0.0.1:5 target=example.com:80 resolved=93.184.215.14:80 status=200
 * error=- up=120 down=5120 duration_ms=3 close=-}. Written through {@link LogHandoff}, so the loop never waits.
 */
public final class AccessLine {

    private static final Logger ACCESS = LoggerFactory.getLogger("fyntr.access");

    private AccessLine() {
    }

    /** The line {@link #write} logs: the keys in their fixed order, {@code -} for what is absent. */
    static String line(String method, InetSocketAddress client, String target, InetSocketAddress resolved,
                       int status, String error, long up, long down, long durationNanos, String close) {
        return "kind=http method=" + method + " client=" + Formats.endpoint(client) + " target="
                + (target == null ? "-" : target) + " resolved=" + (resolved == null ? "-" : Formats.endpoint(resolved))
                + " status=" + status + " error=" + (error == null ? "-" : error) + " up=" + up + " down=" + down
                + " duration_ms=" + durationNanos / 1_000_000 + " close="
                + (close == null ? "-" : close.replace(' ', '_'));
    }

    /**
     * @param target   the origin, or {@code null} when the request never got that far
     * @param resolved the address dialled, or {@code null}
     * @param error    the Proxy-Status error type of a refusal, or {@code null}
     * @param close    why the connection closed after this request, or {@code null} while it stays open
     */
    public static void write(String method, InetSocketAddress client, String target, InetSocketAddress resolved,
                             int status, String error, long up, long down, long durationNanos, String close) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        String line = line(method, client, target, resolved, status, error, up, down, durationNanos, close);
        LogHandoff.submit(() -> ACCESS.info(line));
    }
}
