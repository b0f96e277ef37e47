package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default table ({@link SpecialPurposeRanges}) against the samples written out from the registries, and the docs. */
class SpecialPurposeRangesTest {

    private static final DestinationPolicy DEFAULTS = new DestinationPolicy(List.of(443), List.of(), List.of(), List.of());
    private static final String HINT = "; use --allow-cidr to allow it";
    private static final Path DOCS = Path.of("../docs/policy-and-errors.md");

    static List<SpecialPurposeSamples.Sample> rows() {
        return SpecialPurposeSamples.ROWS;
    }

    static List<SpecialPurposeSamples.Sample> all() {
        return SpecialPurposeSamples.all();
    }

    @Test
    void shouldHaveOneSampleForEveryRowInTheSameOrder() {
        List<Cidr> table = SpecialPurposeRanges.ROWS.stream().map(SpecialPurposeRanges.Row::range).toList();
        List<Cidr> sampled = rows().stream().map(s -> Cidr.parseAsWritten(s.row())).toList();
        assertEquals(table, sampled);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void shouldFindTheRowEachSampleWasWrittenFor(SpecialPurposeSamples.Sample s) {
        SpecialPurposeRanges.Row row = SpecialPurposeRanges.find(Addresses.parseLiteral(s.address()));
        if (s.row() == null) {
            assertNull(row, () -> "no row: " + row);
        } else {
            assertNotNull(row);
            assertEquals(Cidr.parseAsWritten(s.row()), row.range());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void shouldAnswerEachLiteralAsTheRegistrySays(SpecialPurposeSamples.Sample s) throws HandshakeFailureException {
        String target = s.ipv6() ? "[" + s.address() + "]:443" : s.address() + ":443";
        DestinationPolicy.Decision d = DEFAULTS.check(ConnectTarget.parse(target), List.of());
        if (s.denied()) {
            assertFalse(d.allowed(), "allowed: " + d.usable());
            assertEquals(403, d.failure().status());
            assertEquals("destination_ip_prohibited", d.failure().proxyStatusError());
            assertEquals(s.reason() + HINT, d.failure().message());
        } else {
            assertTrue(d.allowed(), () -> d.failure().message());
            assertEquals(List.of(Addresses.canonical(Addresses.literal(s.address()))), d.usable(),
                    "dialled as it is (only IPv4-mapped becomes IPv4)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void shouldAnswerEachResolvedAddressAsTheRegistrySays(SpecialPurposeSamples.Sample s)
            throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(ConnectTarget.parse("host.example:443"),
                List.of(Addresses.literal(s.address())));
        if (s.denied()) {
            assertEquals("host.example: " + s.reason() + HINT, d.failure().message());
        } else {
            assertTrue(d.allowed(), () -> d.failure().message());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "100::/64", "2001::/23", "2001:db8::/32", "fec0::/10", "3fff::/20", "64:ff9b:1::/48", "2001::/32"})
    void shouldDenyTheRangesTheSpecNames(String range) {
        SpecialPurposeRanges.Row row = rowOf(range);
        assertEquals(SpecialPurposeRanges.Verdict.DENY, row.verdict());
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.0.9/32", "192.0.0.10/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128",
            "2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28"})
    void shouldFollowTheRegistryForGloballyReachableRangesInsideDeniedOnes(String range) {
        SpecialPurposeRanges.Row row = rowOf(range);
        assertEquals(SpecialPurposeRanges.Reachable.TRUE, row.reachable());
        assertEquals(SpecialPurposeRanges.Verdict.ALLOW, row.verdict());
    }

    @Test
    void shouldDenyEveryRangeTheRegistryDoesNotCallGloballyReachable() {
        for (SpecialPurposeRanges.Row row : SpecialPurposeRanges.ROWS) {
            if (row.verdict() == SpecialPurposeRanges.Verdict.CARRIES_IPV4) {
                assertTrue(row.ipv4Offset() >= 0 && row.ipv4Offset() <= 12, row.toString());
                continue;
            }
            boolean reachable = row.reachable() == SpecialPurposeRanges.Reachable.TRUE;
            assertEquals(reachable ? SpecialPurposeRanges.Verdict.ALLOW : SpecialPurposeRanges.Verdict.DENY,
                    row.verdict(), row.toString());
        }
    }

    @Test
    void shouldCountTheDeniedRows() {
        long denied = rows().stream().filter(s -> s.outcome() == SpecialPurposeSamples.Outcome.DENIED
                && !s.row().equals("::ffff:0:0/96")).count();
        assertEquals(denied, SpecialPurposeRanges.deniedCount());
        assertEquals(38, SpecialPurposeRanges.deniedCount());
    }

    /** docs/policy-and-errors.md carries the same table: every row, in order, with the same columns. */
    @Test
    void shouldMatchTheTableInTheDocs() throws IOException {
        List<String[]> documented = docsTable();
        List<SpecialPurposeRanges.Row> rows = SpecialPurposeRanges.ROWS;
        assertEquals(rows.size(), documented.size(), "rows in the docs' table");
        for (int i = 0; i < rows.size(); i++) {
            SpecialPurposeRanges.Row row = rows.get(i);
            String[] cells = documented.get(i);
            String where = "docs row " + (i + 1) + ": " + String.join(" | ", cells);
            assertEquals(5, cells.length, where);
            assertEquals(row.range(), Cidr.parseAsWritten(cells[0].replace("`", "")), where);
            assertEquals(row.name(), cells[1], where);
            assertEquals(row.rfc(), cells[2], where);
            assertEquals(row.reachable().text(), cells[3], where);
            assertEquals(row.verdict().text(), cells[4], where);
        }
    }

    @Test
    void shouldNameTheRegistryVersionInTheDocs() throws IOException {
        String docs = Files.readString(DOCS);
        assertTrue(SpecialPurposeRanges.REGISTRY_VERSION.endsWith("2025-10-09"));
        assertTrue(docs.contains(SpecialPurposeRanges.REGISTRY_VERSION), SpecialPurposeRanges.REGISTRY_VERSION);
        assertTrue(docs.contains("denied ranges: " + SpecialPurposeRanges.deniedCount() + " default"),
                "the startup line in the docs counts the denied rows");
    }

    @Test
    void shouldPreferTheMostSpecificRow() {
        assertEquals(Cidr.parse("192.0.0.9/32"), SpecialPurposeRanges.find(Addresses.parseLiteral("192.0.0.9")).range());
        assertEquals(Cidr.parse("192.0.0.0/24"), SpecialPurposeRanges.find(Addresses.parseLiteral("192.0.0.11")).range());
        assertEquals(Cidr.parse("::1/128"), SpecialPurposeRanges.find(Addresses.parseLiteral("::1")).range(),
                "::1 is the loopback address, not an IPv4-compatible 0.0.0.1");
        assertEquals(Cidr.parse("::/128"), SpecialPurposeRanges.find(Addresses.parseLiteral("::")).range());
        assertEquals(Cidr.parse("::/96"), SpecialPurposeRanges.find(Addresses.parseLiteral("::2")).range());
        assertNull(SpecialPurposeRanges.find(Addresses.parseLiteral("8.8.8.8")));
        assertNotEquals(SpecialPurposeRanges.Verdict.DENY,
                SpecialPurposeRanges.find(Addresses.parseLiteral("64:ff9b::808:808")).verdict());
    }

    @Test
    void shouldReadTheCarriedIpv4WhereEachFormPutsIt() {
        assertEquals("127.0.0.1", carried("64:ff9b::7f00:1"));
        assertEquals("8.8.4.4", carried("2002:808:404:1::1"));
        assertEquals("10.0.0.1", carried("::a00:1"));
        assertEquals("169.254.169.254", carried("::ffff:0:a9fe:a9fe"));
        assertEquals("192.0.2.1", carried("::ffff:192.0.2.1"));
        assertNull(SpecialPurposeRanges.find(Addresses.parseLiteral("2001:db8::1"))
                .carriedIpv4(Addresses.parseLiteral("2001:db8::1")));
    }

    private static String carried(String address) {
        byte[] bytes = Addresses.parseLiteral(address);
        return Addresses.toText(SpecialPurposeRanges.find(bytes).carriedIpv4(bytes));
    }

    private static SpecialPurposeRanges.Row rowOf(String range) {
        Cidr c = Cidr.parseAsWritten(range);
        return SpecialPurposeRanges.ROWS.stream().filter(r -> r.range().equals(c)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + range));
    }

    /** The rows of the table that follows the header line starting with {@code | range | name | RFC |}. */
    private static List<String[]> docsTable() throws IOException {
        List<String> lines = Files.readAllLines(DOCS);
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("| range | name | RFC |")) {
                assertEquals(-1, header, "one special-purpose table in the docs");
                header = i;
            }
        }
        assertTrue(header >= 0, "the special-purpose table is in " + DOCS);
        List<String[]> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).strip();
            String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
            for (int c = 0; c < cells.length; c++) {
                cells[c] = cells[c].strip();
            }
            rows.add(cells);
        }
        return rows;
    }
}
