package dev.fyntr.bench.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison table: medians per proxy, the direct column over every run, ratios from the same run. */
class CompareTableTest {

    private static LoadReport run(String label, double direct, double proxy, double cpu, int tunnels) {
        return new LoadReport("all", "test", label, 1, List.of(
                new LoadReport.Row("bulk", "1 stream, MB/s", direct, proxy, proxy / direct),
                new LoadReport.Row("bulk", "1 stream, proxy CPU s/GiB", null, cpu, null),
                new LoadReport.Row("storm", "tunnels verified (of " + tunnels + ")", (double) tunnels,
                        (double) tunnels, 1.0)), List.of());
    }

    private static String line(String table, String figure) {
        for (String l : table.split("\n")) {
            if (l.startsWith("| " + figure + " |")) {
                return l;
            }
        }
        throw new AssertionError("no row " + figure + " in\n" + table);
    }

    @Test
    void mediansPerLabelWithRatiosFromTheSameRun() {
        String table = CompareTable.table(List.of(
                run("fyntr", 1000, 500, 1.2, 1000), run("squid", 2000, 600, 0.9, 1000),
                run("fyntr", 1200, 300, 1.4, 1000), run("squid", 1000, 550, 0.8, 1000),
                run("fyntr", 800, 400, 1.3, 923)));
        assertTrue(table.startsWith("| figure | direct | fyntr (3 runs) | × direct | squid (2 runs) | × direct |\n"),
                table);
        // direct: median of 1000, 2000, 1200, 1000, 800; fyntr: median of 500, 300, 400 and of 0.5, 0.25, 0.5;
        // squid: mean of the middle two of 600, 550 and of 0.3, 0.55.
        assertEquals("| 1 tunnel upload, MB/s | 1,000 | 400 | 0.50× | 575 | 0.43× |", line(table, "1 tunnel upload, MB/s"));
        assertEquals("| proxy CPU s per GiB, 1 flow | – | 1.30 |  | 0.85 |  |", line(table, "proxy CPU s per GiB, 1 flow"));
        // A run that lost tunnels is not hidden by the median.
        assertEquals("| tunnels at once: verified (worst run) | 923 | 923 |  | 1,000 |  |",
                line(table, "tunnels at once: verified (worst run)"));
        assertEquals("| 16 tunnels upload, aggregate MB/s | – | – |  | – |  |",
                line(table, "16 tunnels upload, aggregate MB/s"));
    }

    @Test
    void readsFilesAndRefusesBadOnes(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.json"), run("fyntr", 10, 5, 1, 10).toJson());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{ not json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, CompareTable.run(new String[] {a.toString()}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("| 1 tunnel upload, MB/s | 10.0 | 5.00 | 0.50× |"),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(1, CompareTable.run(new String[] {a.toString(), bad.toString()}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read " + bad), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, CompareTable.run(new String[] {}, o, e));
    }
}
