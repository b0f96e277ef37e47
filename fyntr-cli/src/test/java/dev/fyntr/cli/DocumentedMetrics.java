package dev.fyntr.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric families docs/operations.md documents, which the command's /metrics must serve. */
final class DocumentedMetrics {

    static final Path OPERATIONS = Path.of(System.getProperty("fyntr.docs", "../docs"), "operations.md");

    /** Every Prometheus family docs/operations.md#metrics lists; a renamed or missing one fails here. */
    static final List<String> NAMES = List.of("fyntr_tunnels_open", "fyntr_handshakes_open",
            "fyntr_tunnels_opened_total", "fyntr_connections_accepted_total", "fyntr_bytes_total", "fyntr_queued_bytes",
            "fyntr_rejections_total", "fyntr_rejections_all_total", "fyntr_rejections_lingering",
            "fyntr_lookups_inflight", "fyntr_internal_errors_total", "fyntr_scheduler_replacements_total",
            "fyntr_sni_mismatches_total", "fyntr_sni_refusals_total", "fyntr_memory_limit_bytes",
            "fyntr_memory_used_bytes", "fyntr_memory_peak_bytes", "fyntr_memory_readers_waiting",
            "fyntr_memory_refusals_total", "fyntr_connects_waiting", "fyntr_access_log_dropped_total",
            "fyntr_tunnel_duration_seconds_count", "fyntr_tunnel_duration_seconds_sum",
            "fyntr_tunnel_duration_max_seconds", "fyntr_tunnel_duration_quantile_seconds",
            "fyntr_tunnel_establish_seconds_count", "fyntr_tunnel_establish_seconds_sum",
            "fyntr_tunnel_establish_max_seconds", "fyntr_tunnel_establish_quantile_seconds",
            "fyntr_chunk_queue_delay_seconds_count", "fyntr_chunk_queue_delay_seconds_sum",
            "fyntr_chunk_queue_delay_max_seconds", "fyntr_chunk_queue_delay_quantile_seconds",
            "jvm_memory_used_bytes", "process_cpu_usage");

    private DocumentedMetrics() {
    }

    /** The complete {@code fyntr_} names in the first column of the doc's metrics table. */
    static Set<String> inOperationsDoc() throws IOException {
        Pattern name = Pattern.compile("^\\| `(fyntr_[a-z0-9_]+[a-z0-9])`");
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(OPERATIONS, StandardCharsets.UTF_8)) {
            Matcher m = name.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
