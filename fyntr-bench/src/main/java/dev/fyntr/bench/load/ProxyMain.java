package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.FyntrProxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The proxy side of {@code LoadTool --fork} and {@code LoadTool soak}: starts Fyntr on 127.0.0.1 in a process of
 * its own (so that its CPU time, memory and descriptors can be read from {@code /proc}), prints
 * {@code PORT <n> <scheduler>} and runs until its standard input closes.
 *
 * <pre>ProxyMain ALLOWED_PORT[,PORT…] [SCHEDULER]</pre>
 *
 * <p>Names are resolved by {@link TestNames}, never by real DNS: {@code *.never.test} never answers, other
 * {@code *.test} names are 127.0.0.1, anything else fails.
 *
 * <p>Requests on standard input, one per line, each answered by one line on standard output:
 * <ul>
 * <li>{@code stats SEQ} → {@code STATS SEQ {json}} ({@link StatsLine}: the proxy's stats and the JVM's memory), or
 *     {@code STATS SEQ ERROR message} when the proxy cannot answer;</li>
 * <li>{@code gc SEQ} → {@code GC SEQ done} after {@link System#gc()}: the load tool's way to tell memory still
 *     in use from garbage not yet collected, once the load is over.</li>
 * </ul>
 * Other lines are ignored.
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ProxyMain ALLOWED_PORT[,PORT...] [SCHEDULER]");
            System.exit(2);
        }
        int[] ports = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        TestNames names = new TestNames();
        try (FyntrProxy proxy = FyntrProxy.builder()
                .bind(InetAddress.getLoopbackAddress())
                .port(0)
                .maxConnections(LoadTool.MAX_CONNECTIONS)
                .scheduler(args.length > 1 ? args[1] : null)
                .allowPorts(ports)
                .allowCidrs("127.0.0.1/32")
                .resolver(names)
                .shutdownGrace(Duration.ofSeconds(1))
                .start()) {
            System.out.println("PORT " + proxy.port() + " " + proxy.schedulerName());
            System.out.flush();
            // The parent closes our stdin (or dies) when it is done.
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("stats ")) {
                    System.out.println(answer(proxy, names, line.substring("stats ".length()).strip()));
                    System.out.flush();
                } else if (line.startsWith("gc ")) {
                    System.gc();
                    System.out.println("GC " + line.substring("gc ".length()).strip() + " done");
                    System.out.flush();
                }
            }
        } finally {
            names.release();
        }
    }

    /** What the JVM adds to the proxy's stats: blocked never-name lookups, heap and direct buffers. */
    private static Map<String, Long> jvm(TestNames names) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("resolverBlocked", (long) names.blocked());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        m.put("heapUsedBytes", heap.getUsed());
        m.put("heapCommittedBytes", heap.getCommitted());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                m.put("directBuffers", pool.getCount());
                m.put("directBytes", pool.getMemoryUsed());
            }
        }
        return m;
    }

    private static String answer(FyntrProxy proxy, TestNames names, String seq) {
        try {
            return "STATS " + seq + " " + StatsLine.format(proxy.stats(), jvm(names));
        } catch (RuntimeException e) {
            return "STATS " + seq + " ERROR " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
    }
}
