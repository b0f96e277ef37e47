package dev.fyntr.transport.nio.internal.handshake.socks;

import dev.fyntr.transport.nio.internal.handshake.FrontEnd.Progress;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.FuzzSupport;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HostNames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzed SOCKS5 handshakes (issue 13, part 4): whatever the bytes and however they are split, the front end
 * completes with a valid target or fails with its precise reply, never throws, never consumes past the request
 * (at most {@value #MAX_HANDSHAKE_BYTES} bytes: a greeting of 255 methods and a request for a 255-byte name),
 * and never loops. Tries: {@link FuzzSupport}; a million with {@code -Pfuzz}.
 */
@AddLifecycleHook(Socks5FrontEndFuzzTest.Tries.class)
class Socks5FrontEndFuzzTest {

    /** The tries of {@link FuzzSupport#tries()}. */
    static final class Tries extends FuzzSupport.TriesHook {
    }

    static final int MAX_HANDSHAKE_BYTES = 2 + 255 + 4 + 1 + 255 + 2;

    private static final HexFormat HEX = HexFormat.of();

    private static final List<byte[]> VALID = List.of(
            HEX.parseHex("050100" + "050100" + "01c000020701bb"),
            concat(HEX.parseHex("05020200" + "05010003" + "0b"), ascii("example.com"), HEX.parseHex("01bb16030102")),
            HEX.parseHex("050100" + "05010004" + "20010db8000000000000000000000001" + "20fb"),
            concat(HEX.parseHex("050100" + "05010003" + "0a"), "b\u00fccher.de".getBytes(StandardCharsets.UTF_8),
                    HEX.parseHex("01bb")),
            concat(HEX.parseHex("050100" + "05010003" + "05"), ascii("127.1"), HEX.parseHex("01bb")),
            HEX.parseHex("050100" + "05020001c000020701bb"),
            HEX.parseHex("040100500a000001" + "00"),
            HEX.parseHex("0500"));

    @Provide
    Arbitrary<byte[]> handshakes() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(VALID), Arbitraries.longs())
                .as((valid, seed) -> FuzzSupport.mutate(valid, new Random(seed)));
        Arbitrary<byte[]> random = Arbitraries.oneOf(List.of(Arbitraries.bytes(), FuzzSupport.interestingBytes()))
                .list().ofMaxSize(600).map(Socks5FrontEndFuzzTest::bytes);
        return Arbitraries.frequencyOf(List.of(Tuple.of(3, mutated), Tuple.of(1, random)));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return FuzzSupport.cuts();
    }

    @Property
    void shouldCompleteOrFailPreciselyHoweverTheBytesAreSplit(@ForAll("handshakes") byte[] input,
                                                             @ForAll("cuts") List<Integer> cuts) {
        FuzzSupport.bounded(input, () -> {
            Outcome whole = feedSplit(input, List.of(ByteBuffer.wrap(input)));
            Outcome split = feedSplit(input, FuzzSupport.split(input, cuts));
            assertEquals(whole, split, "the same outcome however the bytes are split");
        });
    }

    /** What the front end made of the input, with every byte it answered; equal for every split. */
    record Outcome(Progress progress, int consumed, String interim, String target, String failure, String reply) {
    }

    private static Outcome feedSplit(byte[] input, List<ByteBuffer> chunks) {
        Socks5FrontEnd f = new Socks5FrontEnd();
        StringBuilder interim = new StringBuilder();
        int consumed = 0;
        Progress last = Progress.NEED_MORE;
        for (ByteBuffer chunk : chunks) {
            int before = chunk.remaining();
            Progress p = f.feed(chunk);
            int took = before - chunk.remaining();
            if (last != Progress.NEED_MORE) {
                assertEquals(last, p, "a finished handshake keeps its result");
                assertEquals(0, took, "a finished handshake consumes nothing more");
            }
            if (p == Progress.NEED_MORE) {
                assertFalse(chunk.hasRemaining(), "NEED_MORE consumed the whole buffer");
            }
            byte[] reply = f.takeInterimReply();
            if (reply != null) {
                assertEquals("0500", HEX.formatHex(reply), "the only interim reply is the method selection");
                assertTrue(interim.length() == 0, "the method selection is handed out once");
                interim.append(HEX.formatHex(reply));
            }
            consumed += took;
            last = p;
        }
        assertTrue(consumed <= MAX_HANDSHAKE_BYTES, "consumed " + consumed);
        switch (last) {
            case NEED_MORE -> {
                assertEquals(input.length, consumed);
                return new Outcome(last, consumed, interim.toString(), null, null, null);
            }
            case FAILED -> {
                HandshakeFailure failure = f.failure();
                assertNotNull(failure);
                assertEquals(400, failure.status(), failure.toString());
                assertTrue(!failure.message().isEmpty()
                        && failure.message().chars().allMatch(c -> c >= 0x20 && c < 0x7F), failure.message());
                String reply = HEX.formatHex(f.failureReply(failure));
                assertTrue(reply.isEmpty() || reply.equals("005b000000000000") || reply.equals("05ff")
                        || reply.matches("05(01|07|08)0001000000000000"), reply);
                if (reply.startsWith("05") && !reply.equals("05ff")) {
                    assertEquals("0500", interim.toString(), "a request failure follows the method selection");
                }
                return new Outcome(last, consumed, interim.toString(), null, failure.message(), reply);
            }
            default -> {
                assertEquals("0500", interim.toString());
                ConnectTarget t = f.target();
                assertTrue(t.port() >= 1 && t.port() <= 65535);
                if (t.isLiteral()) {
                    assertNotNull(t.literal());
                } else {
                    assertEquals(t.host(), canonical(t.host()), "a name target is in the one canonical form");
                    assertFalse(HostNames.looksNumeric(t.host()), t.host());
                }
                assertNull(f.takeInterimReply());
                return new Outcome(last, consumed, interim.toString(), t.authority(), null, null);
            }
        }
    }

    private static String canonical(String host) {
        try {
            return HostNames.canonical(host);
        } catch (HostNames.InvalidHostNameException e) {
            throw new AssertionError(host + ": " + e.getMessage(), e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }
}
