package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyStats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@link ProxyMain} reports its {@link ProxyStats} to the load tool: one flat JSON object of integers on
 * one line, e.g. {@code {"openTunnels":3,"usedBytes":65536,…,"rejected502":7}}. Flat on purpose, so that the
 * parent parses it with one regular expression and no JSON library.
 */
final class StatsLine {

    private static final Pattern FIELD = Pattern.compile("\"([A-Za-z0-9]+)\"\\s*:\\s*(-?[0-9]+)");

    private StatsLine() {
    }

    /** The stats as one line of flat JSON, followed by {@code extra} fields (integers too). */
    static String format(ProxyStats s, Map<String, Long> extra) {
        MemoryStats m = s.memory();
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("openTunnels", (long) s.openTunnels());
        f.put("openHandshakes", (long) s.openHandshakes());
        f.put("tunnelsOpened", s.tunnelsOpened());
        f.put("connectionsAccepted", s.connectionsAccepted());
        f.put("bytesUpstream", s.bytesUpstream());
        f.put("bytesDownstream", s.bytesDownstream());
        f.put("queuedBytes", s.queuedBytes());
        f.put("limitBytes", m.limitBytes());
        f.put("usedBytes", m.usedBytes());
        f.put("peakBytes", m.peakBytes());
        f.put("readersWaiting", (long) m.readersWaiting());
        f.put("refusals", m.refusals());
        f.put("lingeringRejections", (long) s.lingeringRejections());
        f.put("nameLookupsInFlight", (long) s.nameLookupsInFlight());
        f.put("internalErrors", s.internalErrors());
        f.put("schedulerReplacements", s.schedulerReplacements());
        for (Map.Entry<Integer, Long> e : new TreeMap<>(s.rejectionsByStatus()).entrySet()) {
            f.put("rejected" + e.getKey(), e.getValue());
        }
        f.putAll(extra);
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Long> e : f.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        return sb.append('}').toString();
    }

    /** The fields of a {@link #format} line, in order; fields that are not integers are ignored. */
    static Map<String, Long> parse(String json) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }
}
