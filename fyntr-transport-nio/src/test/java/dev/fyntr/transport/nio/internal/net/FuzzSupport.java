package dev.fyntr.transport.nio.internal.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the parser fuzz properties share (docs/policy-and-errors.md#fuzzing): how many tries, a time bound on
 * every parse (a parser that loops fails the property instead of hanging the build), and inputs split into
 * chunks at random points, as TCP may deliver them.
 *
 * <p>Tries: {@value #DEFAULT_TRIES} per property in {@code verify}; {@code -Dfyntr.fuzz.tries=N} sets another
 * number, which is what the {@code fuzz} Maven profile does (a million).
 */
public final class FuzzSupport {

    /** The system property that sets the tries of every fuzz property. */
    public static final String TRIES_PROPERTY = "fyntr.fuzz.tries";
    public static final int DEFAULT_TRIES = 3000;
    /** The longest one parse may take: a correct one takes microseconds, so this only catches a loop. */
    public static final Duration PARSE_LIMIT = Duration.ofSeconds(20);

    private static ExecutorService worker = newWorker();

    private FuzzSupport() {
    }

    /** The tries of a fuzz property: the system property, else {@value #DEFAULT_TRIES}. */
    public static int tries() {
        String v = System.getProperty(TRIES_PROPERTY, "").strip();
        return v.isEmpty() ? DEFAULT_TRIES : Integer.parseInt(v);
    }

    /**
     * Sets a property's tries from {@link #tries()}. A fuzz class extends it with a nested class of its own and names
     * that in {@code @AddLifecycleHook}: the engine creates the hook reflectively, and the module opens only the
     * packages of the tests that run to it.
     */
    public abstract static class TriesHook implements AroundPropertyHook {
        /** On a class, for each of its properties (a hook on a container applies to the container alone by default). */
        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS;
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            context.attributes().setTries(tries());
            long start = System.nanoTime();
            PropertyExecutionResult result = property.execute();
            // One line per property, the record of a run (docs/policy-and-errors.md#fuzzing quotes the long one).
            System.out.printf("fuzz %s.%s: %s, %d tries, %d checks, %.1f s, seed %s%n",
                    context.containerClass().getSimpleName(), context.targetMethod().getName(), result.status(),
                    result.countTries(), result.countChecks(), (System.nanoTime() - start) / 1e9,
                    result.seed().orElse("?"));
            return result;
        }
    }

    /** Work on one input, which must return within {@link #PARSE_LIMIT}. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    /**
     * Runs {@code parse} on a worker thread and waits at most {@link #PARSE_LIMIT}: a parser that loops fails with
     * the input, and the stuck worker is abandoned (a daemon). What the parse throws is rethrown as it is, so an
     * assertion inside fails the property with its own message, and anything else the parser throws is reported.
     */
    public static synchronized void bounded(byte[] input, Parse parse) {
        Future<?> f = worker.submit(() -> {
            parse.run();
            return null;
        });
        try {
            f.get(PARSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("the parser did not return within " + PARSE_LIMIT.toSeconds() + " s (a loop?)"
                    + " on " + hex(input));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError("the parser threw " + cause + " on " + hex(input), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * {@code data} cut at the given points (taken modulo its length + 1 and sorted; repeats give empty chunks,
     * which a parser must take too), each chunk a buffer of its own with a little room before it, so that
     * positions are not always 0.
     */
    public static List<ByteBuffer> split(byte[] data, List<Integer> cuts) {
        List<Integer> at = new ArrayList<>();
        for (int c : cuts) {
            at.add(Math.floorMod(c, data.length + 1));
        }
        at.sort(null);
        List<ByteBuffer> chunks = new ArrayList<>();
        int from = 0;
        for (int c : at) {
            chunks.add(slice(data, from, c));
            from = c;
        }
        chunks.add(slice(data, from, data.length));
        return chunks;
    }

    /** Cut points for {@link #split}: none to a dozen, anywhere. */
    public static Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 100_000).list().ofMaxSize(12);
    }

    /**
     * Bytes that matter to the parsers far more often than chance would give them: line ends, blanks, separators,
     * control characters, bytes of UTF-8 sequences and of full-width and Arabic-Indic digits.
     */
    public static Arbitrary<Byte> interestingBytes() {
        Byte[] boxed = new Byte[INTERESTING.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = INTERESTING[i];
        }
        return Arbitraries.of(boxed);
    }

    private static final byte[] INTERESTING = {'\r', '\n', ' ', '\t', ':', '.', '/', '[', ']', '%', '@', '0', '9', 'x',
        0, 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xD9, (byte) 0xEF, (byte) 0xBC, (byte) 0xFF, 1, 3, 4, 5};

    /**
     * A valid input with up to four edits: a byte replaced (by any byte or one of {@link #interestingBytes}), a
     * byte inserted, a byte deleted, a stretch repeated (to reach the limits), or the end cut off. Most results
     * are almost valid, which takes a parser much deeper than random bytes do.
     */
    public static byte[] mutate(byte[] valid, java.util.Random r) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = valid.clone();
        for (int edits = r.nextInt(5); edits > 0 && b.length > 0; edits--) {
            int at = r.nextInt(b.length);
            byte any = r.nextBoolean() ? (byte) r.nextInt(256) : INTERESTING[r.nextInt(INTERESTING.length)];
            out.reset();
            switch (r.nextInt(5)) {
                case 0 -> {
                    b[at] = any;
                    continue;
                }
                case 1 -> {
                    out.write(b, 0, at);
                    out.write(any);
                    out.write(b, at, b.length - at);
                }
                case 2 -> {
                    out.write(b, 0, at);
                    out.write(b, at + 1, b.length - at - 1);
                }
                case 3 -> {
                    int len = 1 + r.nextInt(Math.min(64, b.length - at));
                    out.write(b, 0, at + len);
                    for (int n = r.nextInt(r.nextBoolean() ? 4 : 200); n >= 0; n--) {
                        out.write(b, at, len);
                    }
                    out.write(b, at + len, b.length - at - len);
                }
                default -> out.write(b, 0, at);
            }
            b = out.toByteArray();
        }
        return b;
    }

    public static String hex(byte[] input) {
        return input.length > 600 ? HexFormat.of().formatHex(input, 0, 600) + "... (" + input.length + " bytes)"
                : HexFormat.of().formatHex(input);
    }

    private static ByteBuffer slice(byte[] data, int from, int to) {
        byte[] room = new byte[3 + (to - from)];
        System.arraycopy(data, from, room, 3, to - from);
        return ByteBuffer.wrap(room, 3, to - from);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-parse");
            t.setDaemon(true);
            return t;
        });
    }
}
